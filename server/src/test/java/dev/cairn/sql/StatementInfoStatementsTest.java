package dev.cairn.sql;

import static dev.cairn.sql.StatementInfoTest.info;
import static dev.cairn.sql.StatementInfoTest.name;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Inserts, routines, transaction rules, words and leading keywords. */
class StatementInfoStatementsTest {

    @Nested
    class Inserts {

        @Test
        void insert_target() {
            assertThat(info("INSERT INTO users (email) VALUES ('a')").insertTarget()).contains(name("users"));
            assertThat(info("insert into \"Public\".\"Order Items\" values (1)").insertTarget())
                    .contains(name("Public", "Order Items"));
        }

        @Test
        void insert_target_after_with_clause() {
            assertThat(info("""
                    WITH moved AS (DELETE FROM a RETURNING *),
                         other AS (INSERT INTO audit SELECT 1 RETURNING *)
                    INSERT INTO b SELECT * FROM moved""").insertTarget()).contains(name("b"));
        }

        @Test
        void no_insert_target_for_other_statements() {
            assertThat(info("SELECT 1").insertTarget()).isEmpty();
            assertThat(info("WITH x AS (INSERT INTO a VALUES (1) RETURNING *) SELECT * FROM x").insertTarget()).isEmpty();
            assertThat(info("CREATE RULE r AS ON INSERT TO t DO INSERT INTO log VALUES (1)").insertTarget()).isEmpty();
        }

        @Test
        void multi_row_values_with_on_conflict() {
            StatementInfo info = info("""
                    INSERT INTO users (email, display_name, password_hash) VALUES
                        ('john@example.com', 'John Doe', 'hash_placeholder_1'),
                        ('jane@example.com', 'Jane Smith', 'hash_placeholder_2'),
                        ('bob@example.com', 'Bob Wilson', 'hash_placeholder_3')
                    ON CONFLICT (email) DO NOTHING""");
            assertThat(info.insertTarget()).contains(name("users"));
            assertThat(info.valuesRowCount()).hasValue(3);
        }

        @Test
        void row_count_with_nested_parentheses_functions_and_parenthesis_in_strings() {
            assertThat(info("""
                    INSERT INTO t (a, b, c) VALUES
                      (1, NOW(), 'has ) paren'),
                      (coalesce(nullif('(', ''), ')'), (SELECT max(x) FROM (VALUES (1), (2)) v(x)), ARRAY[(1)]),
                      ((1), lower(upper('x')), '));')
                    ON CONFLICT (a) DO UPDATE SET b = EXCLUDED.b""").valuesRowCount()).hasValue(3);
        }

        @Test
        void row_count_without_column_list_and_with_alias_and_overriding() {
            assertThat(info("INSERT INTO t VALUES (1), (2)").valuesRowCount()).hasValue(2);
            assertThat(info("INSERT INTO t AS x (a) VALUES (1)").valuesRowCount()).hasValue(1);
            assertThat(info("INSERT INTO t (id) OVERRIDING SYSTEM VALUE VALUES (1), (2), (3)").valuesRowCount()).hasValue(3);
        }

        @Test
        void row_count_after_with_clause() {
            assertThat(info("WITH x AS (SELECT 1) INSERT INTO t VALUES (1), (2)").valuesRowCount()).hasValue(2);
        }

        @Test
        void row_count_of_the_real_seed_with_comments_between_rows() {
            assertThat(info("""
                    INSERT INTO todo_tags (todo_id, tag_id) VALUES
                        (1, 1),  -- Complete project proposal -> work
                        (1, 3),  -- Complete project proposal -> urgent
                        (7, 3)  -- Fix login bug -> urgent""").valuesRowCount()).hasValue(3);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "INSERT INTO t SELECT * FROM s",
            "INSERT INTO t (a) SELECT 1",
            "INSERT INTO t DEFAULT VALUES",
            "INSERT INTO t (SELECT 1)",
            "VALUES (1), (2)",
            "SELECT 1",
            "UPDATE t SET a = 1"})
        void no_row_count(String sql) {
            assertThat(info(sql).valuesRowCount()).isEmpty();
        }
    }

    @Nested
    class Routines {

        @ParameterizedTest
        @ValueSource(strings = {
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql",
            "CREATE OR REPLACE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql",
            "CREATE PROCEDURE p() LANGUAGE sql AS $$ SELECT 1 $$",
            "create or replace procedure p() begin atomic select 1; end"})
        void routine_definitions(String sql) {
            assertThat(info(sql).isRoutineDefinition()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "CREATE TRIGGER t AFTER INSERT ON x EXECUTE FUNCTION f()", "DROP FUNCTION f()",
            "CREATE OR REPLACE VIEW v AS SELECT 1", "SELECT f()", "DO $$ BEGIN END $$"})
        void not_routine_definitions(String sql) {
            assertThat(info(sql).isRoutineDefinition()).isFalse();
        }
    }

    @Nested
    class Transactions {

        @ParameterizedTest
        @ValueSource(strings = {
            "BEGIN", "begin work", "BEGIN ISOLATION LEVEL SERIALIZABLE", "START TRANSACTION",
            "COMMIT", "COMMIT AND CHAIN", "END", "ROLLBACK", "ROLLBACK TO SAVEPOINT s", "ABORT",
            "SAVEPOINT s", "RELEASE SAVEPOINT s", "PREPARE TRANSACTION 'x'", "COMMIT PREPARED 'x'",
            "ROLLBACK PREPARED 'x'"})
        void transaction_control_statements(String sql) {
            assertThat(info(sql).isTransactionControl()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "SELECT 1", "PREPARE q AS SELECT 1", "START", "CREATE TABLE t_begin (id int)",
            "\"begin\"", "BEGIN ATOMIC"})
        void not_transaction_control(String sql) {
            assertThat(info(sql).isTransactionControl()).isFalse();
        }

        @Test
        void not_in_transaction_reasons() {
            assertThat(info("CREATE INDEX CONCURRENTLY i ON t (a)").notInTransactionReason())
                    .contains("CREATE INDEX CONCURRENTLY cannot run inside a transaction block");
            assertThat(info("create unique index concurrently if not exists i on t (a)").notInTransactionReason())
                    .contains("CREATE INDEX CONCURRENTLY cannot run inside a transaction block");
            assertThat(info("DROP INDEX CONCURRENTLY IF EXISTS i").notInTransactionReason())
                    .contains("DROP INDEX CONCURRENTLY cannot run inside a transaction block");
            assertThat(info("VACUUM ANALYZE t").notInTransactionReason())
                    .contains("VACUUM cannot run inside a transaction block");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "REINDEX INDEX CONCURRENTLY i", "REINDEX (VERBOSE) TABLE CONCURRENTLY t",
            "REINDEX (CONCURRENTLY) TABLE t", "REINDEX SCHEMA app", "REINDEX DATABASE d",
            "CREATE DATABASE d", "DROP DATABASE IF EXISTS d", "ALTER SYSTEM SET work_mem = '64MB'",
            "CREATE TABLESPACE ts LOCATION '/x'", "DROP TABLESPACE ts",
            "CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p", "DROP SUBSCRIPTION s",
            "ALTER DATABASE d SET TABLESPACE ts", "DISCARD ALL", "vacuum"})
        void statements_that_cannot_run_in_a_transaction(String sql) {
            assertThat(info(sql).notInTransactionReason()).hasValueSatisfying(
                    reason -> assertThat(reason).endsWith(" cannot run inside a transaction block"));
        }

        @Test
        void reasons_name_the_command() {
            assertThat(info("REINDEX SCHEMA app").notInTransactionReason()).contains("REINDEX SCHEMA cannot run inside a transaction block");
            assertThat(info("REINDEX SCHEMA CONCURRENTLY app").notInTransactionReason())
                    .contains("REINDEX CONCURRENTLY cannot run inside a transaction block");
            assertThat(info("create database d").notInTransactionReason()).contains("CREATE DATABASE cannot run inside a transaction block");
            assertThat(info("alter system reset all").notInTransactionReason()).contains("ALTER SYSTEM cannot run inside a transaction block");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "ALTER TYPE mood ADD VALUE 'meh'", "CLUSTER", "CLUSTER t USING i", "CREATE INDEX i ON t (a)",
            "REINDEX TABLE t", "ANALYZE t", "ALTER DATABASE d SET search_path = app", "SELECT 1",
            "DISCARD PLANS", "CREATE TABLE concurrently (id int)", "DROP INDEX i"})
        void statements_that_may_run_in_a_transaction(String sql) {
            assertThat(info(sql).notInTransactionReason()).isEmpty();
        }
    }

    @Nested
    class WordsAndKeywords {

        @Test
        void words_are_identifiers_of_words_and_quoted_identifiers() {
            assertThat(info("CREATE VIEW v AS SELECT \"Name\", Status::mood FROM app.Users WHERE x = 'lit'").words())
                    .containsExactly("create", "view", "v", "as", "select", "Name", "status", "mood", "from",
                            "app", "users", "where", "x");
        }

        @Test
        void words_are_unmodifiable_and_deduplicated() {
            var words = info("select a, A, \"a\" from t").words();
            assertThat(words).containsExactly("select", "a", "from", "t").isUnmodifiable();
        }

        @Test
        void first_keywords() {
            StatementInfo info = info("CREATE TABLE IF NOT EXISTS t (id int)");
            assertThat(info.firstKeywords(2)).isEqualTo("create table");
            assertThat(info.firstKeywords(1)).isEqualTo("create");
            assertThat(info.firstKeywords(0)).isEmpty();
            assertThat(info.firstKeywords(99)).isEqualTo("create table if not exists t");
        }

        @Test
        void first_keywords_stop_at_the_first_non_word() {
            assertThat(info("INSERT INTO \"T\" VALUES (1)").firstKeywords(3)).isEqualTo("insert into");
            assertThat(info("(SELECT 1)").firstKeywords(2)).isEmpty();
        }
    }
}
