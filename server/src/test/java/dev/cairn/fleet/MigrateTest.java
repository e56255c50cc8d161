package dev.cairn.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** v1 {@code /migrate} of one tenant database: the plan, its safety classes, dry runs. */
class MigrateTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();

    static Http.Answer migrate(Http http, String platform, String tenant, Schema schema, String... fields) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("platform", platform);
        if (tenant != null) {
            form.put("tenant_id", tenant);
        }
        for (int i = 0; i + 1 < fields.length; i += 2) {
            form.put(fields[i], fields[i + 1]);
        }
        form.put("schema", schema.tarGz());
        return http.postForm("/migrate", form);
    }

    private String registered(Schema schema) {
        String platform = gateway.platform();
        Http.Answer a = http.register(platform, "a", schema.tarGz());
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return platform;
    }

    @Test
    void safe_changes_are_applied_and_the_same_bundle_again_changes_nothing() {
        String platform = registered(Schema.base());
        Schema v2 = Schema.base()
                .put("tables/accounts.pssql", """
                        CREATE TABLE accounts (
                            id INT PRIMARY KEY,
                            name VARCHAR(100) NOT NULL,
                            active BOOL DEFAULT true,
                            score NUMERIC(12,2),
                            tags TEXT[],
                            kind mood,
                            email TEXT
                        );
                        CREATE INDEX accounts_email ON accounts (email);""")
                .put("functions/greet.pssql", """
                        CREATE FUNCTION greet(p_name VARCHAR(100)) RETURNS text LANGUAGE sql IMMUTABLE
                        AS $$ SELECT 'hi ' || p_name $$;""");

        Http.Answer a = migrate(http, platform, "a", v2);

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        JsonNode b = a.body();
        assertThat(b.get("status").asText()).isEqualTo("completed");
        assertThat(b.get("databases_updated").get(0).asText()).isEqualTo(platform + "_a");
        assertThat(b.get("functions_updated").asInt()).isEqualTo(1);
        assertThat(b.get("schema_validation").get("dataloss_changes")).isEmpty();
        assertThat(b.get("schema_validation").get("safe_changes").toString())
                .contains("\"AddColumn\"", "\"email\"", "character varying(100)", "numeric(12,2)", "\"AddIndex\"");
        String db = platform + "_a";
        assertThat(Pg.scalar(db, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'accounts'::regclass AND attname = 'name'")).isEqualTo("character varying(100)");
        assertThat(Pg.scalar(db, "SELECT greet('x')")).isEqualTo("hi x");
        assertThat(Pg.scalar(db, "SELECT count(*) FROM pg_indexes WHERE indexname = 'accounts_email'")).isEqualTo("1");
        assertThat(Pg.scalar(db, "SELECT count(*) FROM cairn.changelog WHERE request_id IS NOT NULL"))
                .isNotEqualTo("0");

        Http.Answer again = migrate(http, platform, "a", v2);
        assertThat(again.status()).as(again.toString()).isEqualTo(200);
        assertThat(again.body().get("status").asText()).isEqualTo("completed");
        assertThat(again.body().get("results").get(0).get("status").asText()).isEqualTo("completed");
        assertThat(again.body().get("results").get(0).get("unchanged").asBoolean()).isTrue();
        assertThat(again.body().get("functions_updated").asInt()).isZero();
    }

    @Test
    void a_data_loss_change_blocks_the_whole_plan_and_nothing_is_applied_unless_allowed() {
        String platform = registered(Schema.base());
        Schema v2 = Schema.base()
                .put("tables/accounts.pssql", """
                        CREATE TABLE accounts (
                            id INT PRIMARY KEY,
                            name VARCHAR(50) NOT NULL,
                            active BOOL DEFAULT true,
                            score NUMERIC(10,2),
                            kind mood,
                            email TEXT
                        );""")
                .put("functions/greet.pssql", """
                        CREATE FUNCTION greet(p_name VARCHAR(100)) RETURNS text LANGUAGE sql IMMUTABLE
                        AS $$ SELECT 'hi ' || p_name $$;""");
        String db = platform + "_a";

        Http.Answer blocked = migrate(http, platform, "a", v2);

        assertThat(blocked.status()).as(blocked.toString()).isEqualTo(409);
        assertThat(blocked.body().get("error").asText()).isEqualTo("schema_change_blocked");
        JsonNode validation = blocked.body().get("schema_validation");
        assertThat(validation.get("dataloss_changes").get(0).get("change_type").asText()).isEqualTo("DropColumn");
        assertThat(validation.get("dataloss_changes").get(0).get("column").asText()).isEqualTo("tags");
        assertThat(validation.get("safe_changes").toString()).contains("email");
        assertThat(blocked.body().get("blocked").get(0).get("allow").asText()).isEqualTo("drop_column");
        assertThat(Pg.columns(db, "accounts")).contains("tags").doesNotContain("email");
        assertThat(Pg.scalar(db, "SELECT greet('x')")).isEqualTo("hello x");

        Http.Answer allowed = migrate(http, platform, "a", v2, "allow", "drop_column");
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(Pg.columns(db, "accounts")).contains("email").doesNotContain("tags");
        assertThat(Pg.scalar(db, "SELECT greet('x')")).isEqualTo("hi x");
    }

    @Test
    void column_type_changes_are_classified_by_the_real_types_postgresql_reports() {
        Schema v1 = Schema.base().put("tables/kinds.pssql", """
                CREATE TABLE kinds (id INT PRIMARY KEY, a INT, b VARCHAR(50), c NUMERIC(10,2), d VARCHAR(20),
                    e BIGINT, f TEXT, g INT, h TEXT, i SMALLINT, j TIMESTAMP, k NUMERIC(10,2));""");
        String platform = registered(v1);
        Schema v2 = Schema.base().put("tables/kinds.pssql", """
                CREATE TABLE kinds (id INT PRIMARY KEY, a BIGINT, b VARCHAR(100), c NUMERIC(12,2), d TEXT,
                    e INT, f UUID, g TEXT, h VARCHAR(10), i INTEGER, j TIMESTAMPTZ, k NUMERIC(10,4));""");

        Http.Answer a = migrate(http, platform, "a", v2, "dry_run", "true");

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        Map<String, String> classes = new LinkedHashMap<>();
        for (String kind : List.of("safe_changes", "dataloss_changes", "incompatible_changes")) {
            a.body().get("schema_validation").get(kind).forEach(c -> classes.put(c.get("column").asText(),
                    c.get("compatibility").asText()));
        }
        assertThat(classes).containsEntry("a", "safe").containsEntry("b", "safe").containsEntry("c", "safe")
                .containsEntry("d", "safe").containsEntry("i", "safe").containsEntry("j", "safe")
                .containsEntry("e", "dataloss").containsEntry("h", "dataloss").containsEntry("k", "dataloss")
                .containsEntry("f", "incompatible").containsEntry("g", "incompatible");
        assertThat(classes).hasSize(11);

        Http.Answer real = migrate(http, platform, "a", v2);
        assertThat(real.status()).isEqualTo(409);
        Http.Answer forced = migrate(http, platform, "a", v2.copy().put("tables/kinds.pssql", """
                CREATE TABLE kinds (id INT PRIMARY KEY, a BIGINT, b VARCHAR(100), c NUMERIC(12,2), d TEXT,
                    e BIGINT, f TEXT, g INT, h TEXT, i INTEGER, j TIMESTAMPTZ, k NUMERIC(10,2));"""));
        assertThat(forced.status()).as(forced.toString()).isEqualTo(200);
        assertThat(Pg.scalar(platform + "_a", "SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = 'kinds'::regclass AND attname = 'j'")).isEqualTo("timestamp with time zone");
    }

    @Test
    void spelling_a_type_differently_is_no_change_what_we_fix_bool_int_enum_and_arrays() {
        String platform = registered(Schema.base());
        Schema respelled = Schema.base().put("tables/accounts.pssql", """
                create table accounts (
                    id integer primary key,
                    name character varying(50) not null,
                    active boolean default true,
                    score decimal(10,2),
                    tags text[],
                    kind mood
                );""");

        Http.Answer a = migrate(http, platform, "a", respelled, "dry_run", "true");

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        JsonNode v = a.body().get("schema_validation");
        assertThat(v.get("safe_changes")).isEmpty();
        assertThat(v.get("dataloss_changes")).isEmpty();
        assertThat(v.get("incompatible_changes")).isEmpty();
    }

    @Test
    void a_dry_run_reports_the_plan_and_sql_and_leaves_the_catalog_byte_identical() throws Exception {
        String platform = registered(Schema.base());
        String db = platform + "_a";
        Schema v2 = Schema.base()
                .put("types/mood.pssql", "CREATE TYPE mood AS ENUM ('happy', 'sad', 'angry');")
                .put("tables/extra.pssql", "CREATE TABLE extra (id BIGINT PRIMARY KEY, note TEXT);")
                .put("migrations/002_more.pssql", "ALTER TABLE notes ADD COLUMN pinned BOOLEAN;")
                .put("tables/notes.pssql", """
                        CREATE TABLE notes (
                            id SERIAL PRIMARY KEY,
                            account_id INTEGER REFERENCES accounts (id),
                            body TEXT,
                            pinned BOOLEAN
                        );""")
                .put("functions/greet.pssql", """
                        CREATE FUNCTION greet(p_name TEXT) RETURNS text LANGUAGE sql IMMUTABLE
                        AS $$ SELECT 'hi ' || p_name $$;""");
        String before = Pg.schema(db);
        assertThat(before).contains("column public.accounts.id ", "function CREATE OR REPLACE FUNCTION");

        Http.Answer a = migrate(http, platform, "a", v2, "dry_run", "true");

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.body().get("status").asText()).isEqualTo("dry_run");
        JsonNode result = a.body().get("results").get(0);
        assertThat(result.get("migrations").toString()).contains("002_more");
        assertThat(result.get("sql").toString()).contains("CREATE TABLE", "extra", "DROP FUNCTION");
        assertThat(Pg.schema(db)).isEqualTo(before);
        assertThat(Pg.scalar(db, "SELECT count(*) FROM cairn.migrations WHERE name LIKE '002%'")).isEqualTo("0");
    }

    @Test
    void a_new_enum_value_can_be_used_by_a_migration_of_the_same_migrate() {
        String platform = registered(Schema.base());
        Schema v2 = Schema.base()
                .put("types/mood.pssql", "CREATE TYPE mood AS ENUM ('happy', 'angry', 'sad');")
                .put("migrations/002_angry.pssql", "UPDATE accounts SET kind = 'angry' WHERE id = 1;");

        Http.Answer a = migrate(http, platform, "a", v2);

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        String db = platform + "_a";
        assertThat(Pg.scalar(db, "SELECT kind FROM accounts WHERE id = 1")).isEqualTo("angry");
        assertThat(Pg.scalar(db, "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum"
                + " WHERE enumtypid = 'mood'::regtype")).isEqualTo("happy,angry,sad");
    }
}
