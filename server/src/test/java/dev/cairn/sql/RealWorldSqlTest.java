package dev.cairn.sql;

import static dev.cairn.sql.StatementInfoTest.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Files from real StoneScript schema bundles (progalaxyelabs/stonescriptdb-gateway and
 * StoneScriptPHP), copied verbatim so the tests do not depend on anything outside the repo.
 */
class RealWorldSqlTest {

    /** stonescriptdb-gateway tests/sample-todos-app/postgresql/migrations/004_seed_data.pssql (excerpt). */
    private static final String SEED = """
            -- Seeder: Initial test data for todos app

            -- Insert test users
            INSERT INTO users (email, display_name, password_hash) VALUES
                ('john@example.com', 'John Doe', 'hash_placeholder_1'),
                ('jane@example.com', 'Jane Smith', 'hash_placeholder_2'),
                ('bob@example.com', 'Bob Wilson', 'hash_placeholder_3')
            ON CONFLICT (email) DO NOTHING;

            -- Insert sample todos for Jane (user_id = 2)
            INSERT INTO todos (user_id, title, description, priority, is_completed, due_date) VALUES
                (2, 'Update documentation', 'Update API docs with new endpoints', 2, false, CURRENT_DATE + INTERVAL '7 days'),
                (2, 'Fix login bug', 'Users reporting session timeout issues', 1, false, CURRENT_DATE),
                (2, 'Team standup notes', 'Prepare notes from today standup', 5, true, CURRENT_DATE);

            -- Assign tags to todos
            INSERT INTO todo_tags (todo_id, tag_id) VALUES
                (1, 1),  -- Complete project proposal -> work
                (1, 3),  -- Complete project proposal -> urgent
                (2, 1),  -- Review pull requests -> work
                (3, 4),  -- Buy groceries -> shopping
                (4, 5),  -- Schedule dentist -> health
                (5, 1),  -- Prepare presentation -> work
                (6, 1),  -- Update documentation -> work
                (7, 1),  -- Fix login bug -> work
                (7, 3);  -- Fix login bug -> urgent
            """;

    /** stonescriptdb-gateway migrations/007_create_revoked_tokens.pssql. */
    private static final String REVOKED_TOKENS = """
            -- Migration: Create revoked_tokens table
            -- Purpose: Track revoked refresh tokens for logout functionality
            -- Dependencies: 001_create_identities.pssql

            CREATE TABLE IF NOT EXISTS revoked_tokens (
                id SERIAL PRIMARY KEY,
                token_hash VARCHAR(64) NOT NULL UNIQUE,
                identity_id UUID REFERENCES identities(id) ON DELETE CASCADE,
                revoked_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                expires_at TIMESTAMP NOT NULL,
                created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
            );

            -- Index for efficient lookup
            CREATE INDEX IF NOT EXISTS idx_revoked_tokens_hash ON revoked_tokens(token_hash);

            -- Index for cleanup of expired tokens
            CREATE INDEX IF NOT EXISTS idx_revoked_tokens_expires_at ON revoked_tokens(expires_at);

            -- Add comment for documentation
            COMMENT ON TABLE revoked_tokens IS 'Stores hashed refresh tokens that have been revoked via logout';
            COMMENT ON COLUMN revoked_tokens.token_hash IS 'SHA-256 hash of the revoked refresh token';
            COMMENT ON COLUMN revoked_tokens.expires_at IS 'When the original token would have expired (for cleanup)';
            """;

    /** stonescriptdb-gateway migrations/001_create_identities.pssql (excerpt). */
    private static final String IDENTITIES = """
            -- Enable pgcrypto extension for UUID generation
            CREATE EXTENSION IF NOT EXISTS pgcrypto;

            CREATE TABLE IF NOT EXISTS identities (
                id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
                email VARCHAR(255) NOT NULL UNIQUE,
                status VARCHAR(50) NOT NULL DEFAULT 'active',
                created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
            );
            """;

    /** StoneScriptPHP Subscriptions/Schema/functions/sub_get_status.pgsql. */
    private static final String SUB_GET_STATUS = """
            CREATE OR REPLACE FUNCTION sub_get_status(p_tenant_id TEXT)
            RETURNS JSON LANGUAGE plpgsql AS $$
            DECLARE
                v_sub RECORD;
                v_is_active BOOLEAN;
                v_days_remaining INTEGER;
            BEGIN
                SELECT * INTO v_sub FROM subscriptions WHERE tenant_id = p_tenant_id;
                IF NOT FOUND THEN RETURN NULL; END IF;
                v_is_active := v_sub.expires_at > NOW() AND v_sub.status NOT IN ('cancelled');
                v_days_remaining := GREATEST(0, EXTRACT(DAY FROM (v_sub.expires_at - NOW()))::INTEGER);
                RETURN json_build_object(
                    'id', v_sub.id, 'platform_code', v_sub.platform_code,
                    'tenant_id', v_sub.tenant_id, 'owner_email', v_sub.owner_email,
                    'plan_code', v_sub.plan_code, 'status', v_sub.status,
                    'is_trial', (v_sub.status = 'trial'), 'is_active', v_is_active,
                    'days_remaining', v_days_remaining, 'started_at', v_sub.started_at,
                    'expires_at', v_sub.expires_at, 'created_at', v_sub.created_at
                );
            END; $$;
            """;

    /** StoneScriptPHP FileReference/postgresql/functions/delete_file_reference.pssql. */
    private static final String DELETE_FILE_REFERENCE = """
            CREATE OR REPLACE FUNCTION delete_file_reference(
                p_tenant_id VARCHAR(255),
                p_file_id UUID
            )
            RETURNS TABLE (
                affected_count INT
            ) AS $$
            DECLARE
                v_count INT;
            BEGIN
                DELETE FROM file_references
                WHERE file_references.tenant_id = p_tenant_id
                  AND file_references.file_id = p_file_id;

                GET DIAGNOSTICS v_count = ROW_COUNT;

                RETURN QUERY SELECT v_count;
            END;
            $$ LANGUAGE plpgsql;
            """;

    /** StoneScriptPHP RequestLogging/Schema/tables/req_001_request_logs.pgsql (excerpt). */
    private static final String REQUEST_LOGS = """
            -- request_logs: platform-level request log table (§8 of request-logging spec)
            --
            -- This file is delivered with the StoneScriptPHP framework. Platforms must copy
            -- (or symlink) it into their postgresql/tables/ directory and run:
            --
            --   php stone migrate up
            --
            -- Gateway-managed: do NOT write raw DDL from application code.

            CREATE TABLE IF NOT EXISTS request_logs (
                id           BIGSERIAL    PRIMARY KEY,
                request_id   TEXT         NOT NULL,
                platform_code TEXT        NOT NULL DEFAULT '',
                duration_ms  NUMERIC(12,2) NOT NULL,
                logged_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
            );

            -- Indexes per §8
            CREATE INDEX IF NOT EXISTS idx_request_logs_occurred_at        ON request_logs (occurred_at);
            CREATE INDEX IF NOT EXISTS idx_request_logs_platform_occurred  ON request_logs (platform_code, occurred_at);
            """;

    @Test
    void seed_file_statements_targets_and_row_counts() {
        List<SqlStatement> statements = SqlScript.split(SEED);
        assertThat(statements).extracting(SqlStatement::startLine).containsExactly(4, 11, 17);
        assertThat(statements).extracting(s -> StatementInfo.of(s).insertTarget().orElseThrow(),
                        s -> StatementInfo.of(s).valuesRowCount().orElse(-1))
                .containsExactly(tuple(name("users"), 3), tuple(name("todos"), 3), tuple(name("todo_tags"), 9));
        assertThat(statements).allSatisfy(s -> assertThat(StatementInfo.of(s).createdTable()).isEmpty());
    }

    @Test
    void seed_statement_text_ends_before_the_semicolon_and_keeps_inner_comments() {
        SqlStatement last = SqlScript.split(SEED).getLast();
        assertThat(last.text()).startsWith("INSERT INTO todo_tags").endsWith("(7, 3)")
                .contains("-- Complete project proposal -> work");
    }

    @Test
    void arrows_in_seed_comments_do_not_change_the_checksum() {
        assertThat(Checksums.of(SEED)).isEqualTo(Checksums.of(SEED.replace("-> work", "=> WORK")));
    }

    @Test
    void migration_with_table_indexes_and_comments() {
        List<SqlStatement> statements = SqlScript.split(REVOKED_TOKENS);
        assertThat(statements).hasSize(6);
        StatementInfo table = StatementInfo.of(statements.getFirst());
        assertThat(table.createdTable()).contains(name("revoked_tokens"));
        assertThat(table.referencedTables()).containsExactly(name("identities"));
        assertThat(statements.getFirst().startLine()).isEqualTo(5);
        assertThat(statements.subList(1, 6)).allSatisfy(s ->
                assertThat(StatementInfo.of(s).referencedTables()).containsExactly(name("revoked_tokens")));
        assertThat(statements).extracting(s -> StatementInfo.of(s).firstKeywords(2))
                .containsExactly("create table", "create index", "create index", "comment on", "comment on", "comment on");
    }

    @Test
    void extension_inside_a_migration_is_its_own_statement() {
        List<SqlStatement> statements = SqlScript.split(IDENTITIES);
        assertThat(statements).extracting(s -> StatementInfo.of(s).firstKeywords(2))
                .containsExactly("create extension", "create table");
        assertThat(StatementInfo.of(statements.get(1)).createdTable()).contains(name("identities"));
        assertThat(StatementInfo.of(statements.get(1)).referencedTables()).isEmpty();
    }

    @Test
    void compact_plpgsql_function_is_one_statement() {
        List<SqlStatement> statements = SqlScript.split(SUB_GET_STATUS);
        assertThat(statements).hasSize(1);
        StatementInfo info = StatementInfo.of(statements.getFirst());
        assertThat(info.isRoutineDefinition()).isTrue();
        assertThat(info.createdTable()).isEmpty();
        assertThat(info.insertTarget()).isEmpty();
        assertThat(info.notInTransactionReason()).isEmpty();
    }

    @Test
    void compact_plpgsql_function_checksum_ignores_reformatting_but_not_literals() {
        String reformatted = SUB_GET_STATUS.replace("IF NOT FOUND THEN RETURN NULL; END IF;",
                "IF NOT FOUND THEN\n        RETURN NULL;\n    END IF;  -- no subscription").replace("$$", "$fn$");
        assertThat(Checksums.of(reformatted)).isEqualTo(Checksums.of(SUB_GET_STATUS));
        assertThat(Checksums.of(SUB_GET_STATUS.replace("'cancelled'", "'Cancelled'")))
                .isNotEqualTo(Checksums.of(SUB_GET_STATUS));
        assertThat(Checksums.of(SUB_GET_STATUS.replace("'trial'", "'trial '")))
                .isNotEqualTo(Checksums.of(SUB_GET_STATUS));
    }

    @Test
    void function_with_language_after_the_body_is_normalized() {
        String normal = Checksums.normalize(DELETE_FILE_REFERENCE);
        assertThat(normal).contains("as $$declare v_count int;\nbegin delete from file_references")
                .endsWith("return query select v_count;\nend$$ language plpgsql");
    }

    @Test
    void function_error_position_maps_to_its_line() {
        SqlStatement s = SqlScript.split(DELETE_FILE_REFERENCE).getFirst();
        int position = s.text().indexOf("GET DIAGNOSTICS") + 1;
        assertThat(s.lineAt(position)).isEqualTo(15);
    }

    @Test
    void long_header_comment_and_non_ascii_text_in_comments() {
        List<SqlStatement> statements = SqlScript.split(REQUEST_LOGS);
        assertThat(statements).hasSize(3);
        assertThat(statements.getFirst().startLine()).isEqualTo(10);
        assertThat(statements.getFirst().text()).startsWith("CREATE TABLE IF NOT EXISTS request_logs");
        assertThat(statements).extracting(SqlStatement::startLine).containsExactly(10, 19, 20);
        assertThat(Checksums.of(REQUEST_LOGS)).isEqualTo(Checksums.of(REQUEST_LOGS.replace("§8", "section 8")));
    }

    @Test
    void whole_bundle_of_functions_in_one_file_splits_per_function() {
        List<SqlStatement> statements = SqlScript.split(SUB_GET_STATUS + "\n" + DELETE_FILE_REFERENCE);
        assertThat(statements).hasSize(2).allSatisfy(s -> assertThat(StatementInfo.of(s).isRoutineDefinition()).isTrue());
        assertThat(statements.get(1).startLine()).isEqualTo((int) SUB_GET_STATUS.lines().count() + 2);
    }
}
