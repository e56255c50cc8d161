package dev.cairn.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatementInfoTest {

    static StatementInfo info(String sql) {
        var statements = SqlScript.split(sql);
        assertThat(statements).hasSize(1);
        return StatementInfo.of(statements.getFirst());
    }

    static QualifiedName name(String name) {
        return QualifiedName.of(name);
    }

    static QualifiedName name(String schema, String name) {
        return QualifiedName.of(schema, name);
    }

    @Nested
    class CreatedTable {

        @Test
        void plain_create_table() {
            assertThat(info("CREATE TABLE users (id int)").createdTable()).contains(name("users"));
        }

        @Test
        void if_not_exists() {
            assertThat(info("CREATE TABLE IF NOT EXISTS analytics_events (id bigserial)").createdTable())
                    .contains(name("analytics_events"));
        }

        @Test
        void schema_qualified_and_case_folded() {
            assertThat(info("create table App.Users (id int)").createdTable()).contains(name("app", "users"));
        }

        @Test
        void quoted_names_keep_case_and_spaces() {
            assertThat(info("CREATE TABLE \"Public\".\"Order Items\" (id int)").createdTable())
                    .contains(name("Public", "Order Items"));
        }

        @Test
        void catalog_prefix_is_dropped() {
            assertThat(info("create table db.s.t (id int)").createdTable()).contains(name("s", "t"));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "CREATE TEMP TABLE t (id int)",
            "CREATE TEMPORARY TABLE t (id int)",
            "CREATE GLOBAL TEMPORARY TABLE t (id int)",
            "CREATE LOCAL TEMP TABLE IF NOT EXISTS t (id int)",
            "CREATE UNLOGGED TABLE t (id int)",
            "CREATE TABLE t AS SELECT 1 AS id",
            "CREATE TABLE t PARTITION OF parent FOR VALUES IN (1)",
            "CREATE FOREIGN TABLE t (id int) SERVER s"})
        void every_create_table_shape(String sql) {
            assertThat(info(sql).createdTable()).contains(name("t"));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "CREATE INDEX i ON t (x)", "CREATE VIEW t AS SELECT 1", "ALTER TABLE t ADD x int",
            "SELECT * FROM t", "CREATE TABLE (id int)", "CREATE TABLE", "DROP TABLE t"})
        void other_statements_create_no_table(String sql) {
            assertThat(info(sql).createdTable()).isEmpty();
        }
    }

    @Nested
    class ReferencedTables {

        @Test
        void inline_references() {
            assertThat(info("""
                    CREATE TABLE IF NOT EXISTS tenant_memberships (
                        id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
                        identity_id UUID NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
                        tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
                        invited_by UUID REFERENCES identities(id) ON DELETE SET NULL,
                        UNIQUE(identity_id, tenant_id)
                    )""").referencedTables()).containsExactly(name("identities"), name("tenants"));
        }

        @Test
        void table_referencing_two_others_with_table_level_constraint() {
            assertThat(info("""
                    CREATE TABLE a (
                      b_id int REFERENCES b,
                      c_id int,
                      CONSTRAINT fk_c FOREIGN KEY (c_id) REFERENCES c (id) ON UPDATE CASCADE
                    )""").referencedTables()).containsExactly(name("b"), name("c"));
        }

        @Test
        void self_reference_is_excluded() {
            assertThat(info("CREATE TABLE node (id int PRIMARY KEY, parent int REFERENCES node(id), o int REFERENCES other)")
                    .referencedTables()).containsExactly(name("other"));
        }

        @Test
        void self_reference_with_and_without_schema_is_excluded() {
            assertThat(info("CREATE TABLE app.node (id int, parent int REFERENCES node, p2 int REFERENCES app.node)")
                    .referencedTables()).isEmpty();
            assertThat(info("CREATE TABLE app.node (id int, p int REFERENCES other.node)").referencedTables())
                    .containsExactly(name("other", "node"));
        }

        @Test
        void quoted_and_qualified_references() {
            assertThat(info("CREATE TABLE x (o int REFERENCES \"Public\".\"Order Items\" (\"Id\"))").referencedTables())
                    .containsExactly(name("Public", "Order Items"));
        }

        @Test
        void create_index_targets() {
            assertThat(info("CREATE INDEX IF NOT EXISTS idx_users_email ON users(email)").referencedTables())
                    .containsExactly(name("users"));
            assertThat(info("CREATE UNIQUE INDEX CONCURRENTLY i ON ONLY s.t USING btree (a)").referencedTables())
                    .containsExactly(name("s", "t"));
            assertThat(info("create index on \"T\" (a)").referencedTables()).containsExactly(name("T"));
        }

        @Test
        void alter_table_target_and_its_foreign_key() {
            assertThat(info("ALTER TABLE IF EXISTS ONLY orders ADD CONSTRAINT fk FOREIGN KEY (u) REFERENCES users (id)")
                    .referencedTables()).containsExactly(name("users"), name("orders"));
        }

        @Test
        void like_source_table() {
            assertThat(info("CREATE TABLE t (LIKE s.base INCLUDING ALL, extra int, LIKE other)").referencedTables())
                    .containsExactly(name("s", "base"), name("other"));
            assertThat(info("CREATE TABLE t (a text CHECK (a LIKE 'x%'), b text CHECK ((b) LIKE c))").referencedTables())
                    .isEmpty();
        }

        @Test
        void inherits_list() {
            assertThat(info("CREATE TABLE c (x int) INHERITS (a, s.b)").referencedTables())
                    .containsExactly(name("a"), name("s", "b"));
        }

        @Test
        void partition_of_and_attach_partition() {
            assertThat(info("CREATE TABLE m_2024 PARTITION OF measurements FOR VALUES FROM (1) TO (2)").referencedTables())
                    .containsExactly(name("measurements"));
            assertThat(info("ALTER TABLE measurements ATTACH PARTITION m_2025 FOR VALUES FROM (2) TO (3)").referencedTables())
                    .containsExactlyInAnyOrder(name("measurements"), name("m_2025"));
        }

        @Test
        void comment_on_table_and_column() {
            assertThat(info("COMMENT ON TABLE identities IS 'Core identity table'").referencedTables())
                    .containsExactly(name("identities"));
            assertThat(info("COMMENT ON COLUMN revoked_tokens.token_hash IS 'SHA-256 hash'").referencedTables())
                    .containsExactly(name("revoked_tokens"));
            assertThat(info("COMMENT ON COLUMN s.t.c IS 'x'").referencedTables()).containsExactly(name("s", "t"));
            assertThat(info("COMMENT ON FUNCTION f() IS 'x'").referencedTables()).isEmpty();
        }

        @Test
        void trigger_and_policy_targets() {
            assertThat(info("CREATE TRIGGER trg BEFORE UPDATE OF a, b ON app.t FOR EACH ROW EXECUTE FUNCTION f()")
                    .referencedTables()).containsExactly(name("app", "t"));
            assertThat(info("CREATE OR REPLACE CONSTRAINT TRIGGER trg AFTER INSERT ON t FROM other EXECUTE FUNCTION f()")
                    .referencedTables()).contains(name("t"));
            assertThat(info("CREATE POLICY tenant_isolation ON todos USING (tenant_id = current_setting('app.tenant'))")
                    .referencedTables()).containsExactly(name("todos"));
        }

        @Test
        void grant_on_tables() {
            assertThat(info("GRANT SELECT, INSERT ON TABLE a, s.b TO app_user").referencedTables())
                    .containsExactly(name("a"), name("s", "b"));
            assertThat(info("GRANT SELECT (a, b) ON t TO r").referencedTables()).containsExactly(name("t"));
            assertThat(info("GRANT REFERENCES ON t TO r").referencedTables()).containsExactly(name("t"));
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "GRANT USAGE ON SCHEMA app TO r", "GRANT EXECUTE ON FUNCTION f() TO r",
            "GRANT USAGE ON SEQUENCE s TO r", "GRANT SELECT ON ALL TABLES IN SCHEMA app TO r",
            "GRANT admin TO alice", "GRANT USAGE ON TYPE t TO r"})
        void grants_on_other_objects_reference_no_table(String sql) {
            assertThat(info(sql).referencedTables()).isEmpty();
        }

        @Test
        void statements_without_references() {
            assertThat(info("CREATE TABLE t (id int)").referencedTables()).isEmpty();
            assertThat(info("SELECT 1").referencedTables()).isEmpty();
        }

        @Test
        void result_is_unmodifiable() {
            assertThat(info("CREATE INDEX i ON t (a)").referencedTables()).isUnmodifiable();
        }
    }

    @Nested
    class CreatedTypeAndView {

        @ParameterizedTest
        @ValueSource(strings = {
            "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
            "CREATE TYPE mood AS (a int, b text)",
            "CREATE TYPE mood AS RANGE (subtype = float8)",
            "CREATE TYPE mood",
            "CREATE DOMAIN mood AS text CHECK (VALUE <> '')"})
        void type_shapes(String sql) {
            assertThat(info(sql).createdType()).contains(name("mood"));
        }

        @Test
        void qualified_quoted_type() {
            assertThat(info("CREATE TYPE app.\"Status\" AS ENUM ('A')").createdType()).contains(name("app", "Status"));
        }

        @Test
        void non_type_statements() {
            assertThat(info("CREATE TABLE t (x mood)").createdType()).isEmpty();
            assertThat(info("ALTER TYPE mood ADD VALUE 'x'").createdType()).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "CREATE VIEW v AS SELECT 1",
            "CREATE OR REPLACE VIEW v AS SELECT 1",
            "CREATE TEMP VIEW v AS SELECT 1",
            "CREATE OR REPLACE TEMPORARY RECURSIVE VIEW v (n) AS SELECT 1",
            "CREATE MATERIALIZED VIEW IF NOT EXISTS v AS SELECT 1",
            "create materialized view V as select 1 with no data"})
        void view_shapes(String sql) {
            assertThat(info(sql).createdView()).contains(name("v"));
        }

        @Test
        void qualified_view_and_non_view() {
            assertThat(info("CREATE VIEW reporting.\"Daily\" AS SELECT 1").createdView())
                    .contains(name("reporting", "Daily"));
            assertThat(info("CREATE TABLE v (id int)").createdView()).isEmpty();
        }
    }

    @Test
    void optional_results_are_never_null() {
        StatementInfo info = info(";x");
        assertThat(info.createdTable()).isEqualTo(Optional.empty());
        assertThat(info.createdType()).isEmpty();
        assertThat(info.createdView()).isEmpty();
        assertThat(info.insertTarget()).isEmpty();
        assertThat(info.notInTransactionReason()).isEmpty();
    }
}
