package dev.cairn.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.cairn.error.CairnException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlScriptTest {

    private static List<String> texts(String sql) {
        return SqlScript.split(sql).stream().map(SqlStatement::text).toList();
    }

    @Test
    void splits_at_semicolons() {
        assertThat(texts("select 1; select 2;")).containsExactly("select 1", "select 2");
    }

    @Test
    void trailing_statement_without_semicolon_is_kept() {
        assertThat(texts("select 1;\nselect 2")).containsExactly("select 1", "select 2");
    }

    @Test
    void empty_statements_and_comment_only_statements_are_dropped() {
        assertThat(texts(";; select 1;;; -- done\n; /* nothing */ ;")).containsExactly("select 1");
        assertThat(SqlScript.split("")).isEmpty();
        assertThat(SqlScript.split("-- just a header\n")).isEmpty();
    }

    @Test
    void semicolon_inside_string_does_not_split() {
        assertThat(texts("insert into t values ('a;b'); select 2"))
                .containsExactly("insert into t values ('a;b')", "select 2");
    }

    @Test
    void semicolon_inside_escape_string_after_escaped_quote_does_not_split() {
        assertThat(texts("select E'it\\'s; fine'; select 2")).containsExactly("select E'it\\'s; fine'", "select 2");
    }

    @Test
    void semicolon_inside_comments_does_not_split() {
        assertThat(texts("select 1 -- a; b\n+ 1; select /* ; */ 2"))
                .containsExactly("select 1 -- a; b\n+ 1", "select /* ; */ 2");
    }

    @Test
    void semicolon_inside_quoted_identifier_does_not_split() {
        assertThat(texts("select 1 as \"a;b\"; select 2")).hasSize(2);
    }

    @Test
    void semicolon_inside_dollar_body_does_not_split() {
        String fn = """
                CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM 1;
                  RETURN 2;
                END;
                $$""";
        assertThat(texts(fn + ";\nselect f();")).containsExactly(fn, "select f()");
    }

    @Test
    void semicolon_inside_parentheses_does_not_split() {
        assertThat(texts("create rule r as on insert to t do instead (insert into a values (1); insert into b values (2)); select 1"))
                .hasSize(2);
    }

    @Test
    void stray_closing_parenthesis_does_not_disable_splitting() {
        assertThat(texts("select 1); select 2")).containsExactly("select 1)", "select 2");
    }

    @Test
    void begin_atomic_body_is_one_statement() {
        String fn = """
                CREATE FUNCTION add_one(i int) RETURNS int
                LANGUAGE sql
                BEGIN ATOMIC
                  INSERT INTO log VALUES (i);
                  SELECT i + 1;
                END""";
        assertThat(texts(fn + ";\nSELECT add_one(1);")).containsExactly(fn, "SELECT add_one(1)");
    }

    @Test
    void begin_atomic_body_with_case_end_expressions() {
        String fn = """
                CREATE OR REPLACE PROCEDURE p(x int)
                BEGIN ATOMIC
                  SELECT CASE WHEN x > 0 THEN 'pos' ELSE 'neg' END;
                  UPDATE t SET v = CASE x WHEN 1 THEN 'one' END;
                  SELECT (CASE WHEN x = 0 THEN 1 END);
                END""";
        assertThat(texts(fn + "; CALL p(1)")).containsExactly(fn, "CALL p(1)");
    }

    @Test
    void begin_atomic_is_only_special_in_create_statements() {
        assertThat(texts("BEGIN; SELECT 1; COMMIT;")).containsExactly("BEGIN", "SELECT 1", "COMMIT");
    }

    @Test
    void plain_transaction_blocks_split_normally() {
        assertThat(texts("BEGIN;\nCREATE TABLE t (id int);\nEND;"))
                .containsExactly("BEGIN", "CREATE TABLE t (id int)", "END");
    }

    @Test
    void several_functions_per_file() {
        String sql = """
                -- helpers
                CREATE OR REPLACE FUNCTION a() RETURNS int AS $$
                BEGIN
                    RETURN 1;
                END;
                $$ LANGUAGE plpgsql;

                CREATE OR REPLACE FUNCTION b() RETURNS int AS $body$
                    SELECT 2; -- ; inside
                $body$ LANGUAGE sql;

                CREATE FUNCTION c() RETURNS int LANGUAGE sql
                BEGIN ATOMIC
                    SELECT 3;
                END;
                """;
        List<SqlStatement> statements = SqlScript.split(sql);
        assertThat(statements).extracting(s -> StatementInfo.of(s).isRoutineDefinition())
                .containsExactly(true, true, true);
        assertThat(statements).extracting(SqlStatement::startLine).containsExactly(2, 8, 12);
    }

    @Test
    void start_line_and_offset_are_those_of_the_first_token() {
        String sql = "-- header\n\n  select 1;\n/* c */ select\n 2;";
        List<SqlStatement> statements = SqlScript.split(sql);
        assertThat(statements).extracting(SqlStatement::text, SqlStatement::startLine, SqlStatement::startOffset)
                .containsExactly(tuple("select 1", 3, 13), tuple("select\n 2", 4, 31));
        assertThat(sql.substring(31)).startsWith("select");
    }

    @Test
    void text_keeps_inner_comments_but_not_surrounding_ones() {
        assertThat(texts("/* lead */ select /* in */ 1 -- tail\n;")).containsExactly("select /* in */ 1");
    }

    @Test
    void tokens_of_a_statement_exclude_the_semicolon_and_keep_script_offsets() {
        SqlStatement second = SqlScript.split("select 1; select 2;").get(1);
        assertThat(second.tokens()).extracting(Token::text).containsExactly("select", "2");
        assertThat(second.tokens().getFirst().offset()).isEqualTo(10);
    }

    @Test
    void crlf_script_lines() {
        List<SqlStatement> statements = SqlScript.split("select 1;\r\n\r\nselect 2;\r\n");
        assertThat(statements).extracting(SqlStatement::startLine).containsExactly(1, 3);
    }

    @Test
    void unterminated_literal_fails_the_split() {
        assertThatThrownBy(() -> SqlScript.split("select 1;\nselect 'x")).isInstanceOf(CairnException.class)
                .hasMessageContaining("line 2");
    }
}
