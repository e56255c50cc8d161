package dev.cairn.fleet;

import static dev.cairn.fleet.MigrateTest.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Functions, migrations, seeders and adoption on an existing database; concurrent migrates. */
class MigrateObjectsTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();

    private String registered(Schema schema) {
        String platform = gateway.platform();
        Http.Answer a = http.register(platform, "a", schema.tarGz());
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return platform;
    }

    private static List<String> signatures(String db) {
        return Pg.query(db, "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname = 'public' ORDER BY 1").stream().map(r -> r.get(0)).toList();
    }

    @Test
    void signature_and_result_changes_drop_the_old_function_exactly_and_orphans_go_what_we_fix() {
        String platform = registered(Schema.base().put("functions/old.pssql",
                "CREATE FUNCTION old_one(n NUMERIC(10,2)) RETURNS numeric LANGUAGE sql AS $$ SELECT n $$;"));
        String db = platform + "_a";
        Schema v2 = Schema.base()
                .put("functions/greet.pssql", """
                        CREATE FUNCTION greet(p_name TEXT, p_loud BOOLEAN DEFAULT false) RETURNS text LANGUAGE sql
                        AS $$ SELECT CASE WHEN p_loud THEN upper('hi ' || p_name) ELSE 'hi ' || p_name END $$;""")
                .put("functions/get_account.pssql", """
                        CREATE FUNCTION get_account(p_id INT) RETURNS TABLE (id INT, name VARCHAR) LANGUAGE sql STABLE
                        AS $$ SELECT id, name FROM accounts WHERE id = p_id $$;""");

        Http.Answer a = migrate(http, platform, "a", v2);

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(signatures(db)).containsExactly("get_account(integer)", "greet(text,boolean)");
        assertThat(Pg.scalar(db, "SELECT greet('x', true)")).isEqualTo("HI X");
        assertThat(Pg.scalar(db, "SELECT name FROM get_account(1)")).isEqualTo("root");
        assertThat(Pg.query(db, "SELECT signature FROM cairn.functions ORDER BY 1").stream().map(r -> r.get(0)))
                .containsExactly("\"public\".\"get_account\"(integer)", "\"public\".\"greet\"(text, boolean)");
        // and /call sees the new signatures at once
        Http.Answer call = http.call(platform, "a", "greet", List.of("y", true));
        assertThat(call.status()).as(call.toString()).isEqualTo(200);
        assertThat(call.body().get("rows").get(0).get("greet").asText()).isEqualTo("HI Y");
    }

    @Test
    void a_function_dropped_by_hand_is_restored() {
        String platform = registered(Schema.base());
        String db = platform + "_a";
        Pg.execute(db, "DROP FUNCTION greet(varchar)");

        Http.Answer a = migrate(http, platform, "a", Schema.base());

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.body().get("functions_updated").asInt()).isEqualTo(1);
        assertThat(Pg.scalar(db, "SELECT greet('x')")).isEqualTo("hello x");
    }

    @Test
    void dropping_a_function_others_depend_on_names_them_and_needs_drop_function() {
        Schema v1 = Schema.base();
        String platform = registered(v1);
        String db = platform + "_a";
        // an object from outside the bundle that uses the function
        Pg.execute(db, "CREATE VIEW hand_made AS SELECT greet(name) AS g FROM accounts");
        Pg.execute(db, "ALTER VIEW hand_made OWNER TO " + Pg.scalar(db, "SELECT tableowner FROM pg_tables"
                + " WHERE tablename = 'accounts'"));
        Schema v2 = v1.copy().remove("functions/greet.pssql");

        Http.Answer blocked = migrate(http, platform, "a", v2);

        assertThat(blocked.status()).as(blocked.toString()).isEqualTo(409);
        assertThat(blocked.body().get("error").asText()).isEqualTo("schema_change_blocked");
        assertThat(blocked.body().get("dependents").toString()).contains("hand_made");
        assertThat(signatures(db)).contains("greet(character varying)");

        Http.Answer allowed = migrate(http, platform, "a", v2, "allow", "drop_function");
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(signatures(db)).doesNotContain("greet(character varying)");
    }

    @Test
    void an_edited_applied_migration_is_refused_unless_allowed_what_we_fix() {
        Schema v1 = Schema.base().remove("tables/accounts.pssql").remove("tables/notes.pssql")
                .remove("functions/get_account.pssql").remove("seeders/accounts.pssql")
                .put("migrations/001_init.pssql", "CREATE TABLE things (id INT PRIMARY KEY);")
                .put("migrations/2_more.pssql", "ALTER TABLE things ADD COLUMN a TEXT;");
        String platform = registered(v1);
        String db = platform + "_a";
        Schema edited = v1.copy().put("migrations/2_more.pssql", "ALTER TABLE things ADD COLUMN a VARCHAR(5);")
                .put("migrations/10_last.pssql", "ALTER TABLE things ADD COLUMN b TEXT;");

        Http.Answer refused = migrate(http, platform, "a", edited);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.body().get("error").asText()).isEqualTo("migration_checksum_mismatch");
        assertThat(refused.raw()).contains("2_more");
        assertThat(Pg.columns(db, "things")).doesNotContain("b");

        Http.Answer allowed = migrate(http, platform, "a", edited, "allow", "edited_migration");
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        assertThat(allowed.body().get("results").get(0).get("migrations").toString()).contains("10_last");
        assertThat(Pg.columns(db, "things")).contains("b");
    }

    @Test
    void missing_seed_rows_fail_the_migrate_and_roll_it_back_differing_rows_are_only_reported_what_we_fix() {
        String platform = registered(Schema.base());
        String db = platform + "_a";
        Pg.execute(db, "DELETE FROM accounts WHERE id = 2; UPDATE accounts SET name = 'changed' WHERE id = 1");
        Schema v2 = Schema.base().put("functions/greet.pssql", """
                CREATE FUNCTION greet(p_name VARCHAR(100)) RETURNS text LANGUAGE sql IMMUTABLE
                AS $$ SELECT 'hi ' || p_name $$;""").put("migrations/002_x.pssql", "ALTER TABLE notes ADD COLUMN x INT;")
                .put("tables/notes.pssql", """
                        CREATE TABLE notes (
                            id SERIAL PRIMARY KEY,
                            account_id INTEGER REFERENCES accounts (id),
                            body TEXT,
                            x INT
                        );""");

        Http.Answer refused = migrate(http, platform, "a", v2);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.body().get("error").asText()).isEqualTo("seed_rows_missing");
        assertThat(refused.raw()).contains("accounts");
        assertThat(Pg.scalar(db, "SELECT greet('x')")).isEqualTo("hello x");
        assertThat(Pg.columns(db, "notes")).doesNotContain("x");

        Http.Answer allowed = migrate(http, platform, "a", v2, "allow", "seed_missing");
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
        String validations = allowed.body().get("seeder_validations").toString();
        assertThat(validations).contains("accounts").contains("differing");
        assertThat(Pg.scalar(db, "SELECT name FROM accounts WHERE id = 2")).isEqualTo("guest");
        assertThat(Pg.scalar(db, "SELECT name FROM accounts WHERE id = 1")).isEqualTo("changed");
    }

    @Test
    void a_database_the_stonescript_gateway_managed_is_adopted_and_its_migrations_are_not_run_again() {
        String platform = gateway.platform();
        String db = platform + "_legacy";
        Pg.execute("postgres", "CREATE DATABASE " + db);
        Pg.execute(db, """
                CREATE TABLE _stonescriptdb_gateway_migrations (id SERIAL PRIMARY KEY, migration_file TEXT NOT NULL,
                    checksum TEXT, applied_at TIMESTAMPTZ DEFAULT now());
                INSERT INTO _stonescriptdb_gateway_migrations (migration_file, checksum) VALUES ('001_things.sql', 'x');
                CREATE TABLE things (id INT PRIMARY KEY);""");
        Schema bundle = Schema.base().remove("tables/accounts.pssql").remove("tables/notes.pssql")
                .remove("functions/get_account.pssql").remove("seeders/accounts.pssql")
                .remove("migrations/001_init.pssql")
                .put("migrations/001_things.sql", "CREATE TABLE things (id INT PRIMARY KEY);")
                .put("migrations/002_more.sql", "ALTER TABLE things ADD COLUMN name TEXT;");

        Http.Answer a = migrate(http, platform, "legacy", bundle);

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.body().get("results").get(0).get("migrations").toString())
                .contains("002_more").doesNotContain("001_things");
        assertThat(Pg.columns(db, "things")).contains("name");
        assertThat(Pg.scalar(db, "SELECT count(*) FROM cairn.migrations")).isEqualTo("2");
        assertThat(http.call(platform, "legacy", "greet", List.of("z")).status()).isEqualTo(200);
    }

    @Test
    void ten_concurrent_migrates_of_one_database_apply_each_step_once() throws Exception {
        String platform = registered(Schema.base());
        String db = platform + "_a";
        Schema v2 = Schema.base()
                .put("migrations/002_counter.pssql", "INSERT INTO notes (account_id, body) VALUES (1, 'once');")
                .put("functions/greet.pssql", """
                        CREATE FUNCTION greet(p_name VARCHAR(100)) RETURNS text LANGUAGE sql IMMUTABLE
                        AS $$ SELECT 'hi ' || p_name $$;""");
        List<Callable<Http.Answer>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(() -> migrate(http, platform, "a", v2));
        }
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<Integer> statuses = new ArrayList<>();
        for (Future<Http.Answer> f : pool.invokeAll(calls)) {
            statuses.add(f.get().status());
        }
        pool.shutdown();

        assertThat(statuses).containsOnly(200);
        assertThat(Pg.scalar(db, "SELECT count(*) FROM notes WHERE body = 'once'")).isEqualTo("1");
        assertThat(Pg.scalar(db, "SELECT count(*) FROM cairn.migrations WHERE name LIKE '002%'")).isEqualTo("1");
        assertThat(Pg.scalar(db, "SELECT count(*) FROM cairn.changelog WHERE object LIKE '%greet%'"))
                .isEqualTo("2"); // once at registration, once by exactly one of the ten
    }

    @Test
    void seventy_five_unchanged_functions_are_seventy_five_skips_and_no_ddl_what_we_fix() {
        Schema many = Schema.base();
        for (int i = 0; i < 75; i++) {
            many.put("functions/f" + i + ".pssql", "CREATE FUNCTION f" + i + "(p_a VARCHAR(50), p_b NUMERIC(10,2))"
                    + " RETURNS TABLE (a VARCHAR(50), b NUMERIC(10,2)) LANGUAGE sql AS $$ SELECT p_a, p_b $$;");
        }
        many.remove("functions/greet.pssql").remove("functions/get_account.pssql");
        String platform = registered(many);
        String db = platform + "_a";
        Pg.execute(db, """
                CREATE TABLE public.ddl_seen (tag TEXT, at TIMESTAMPTZ DEFAULT now());
                CREATE FUNCTION public.ddl_seen_log() RETURNS event_trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
                BEGIN INSERT INTO public.ddl_seen (tag) VALUES (tg_tag); END $$;
                CREATE EVENT TRIGGER ddl_seen_trigger ON ddl_command_start EXECUTE FUNCTION public.ddl_seen_log();""");
        // a changed bundle (a new migration) so the migrate really runs, rather than the fast no-op path
        Schema next = many.copy().put("migrations/002_noop.pssql", "SELECT 2;")
                .put("tables/ddl_seen.pssql", "CREATE TABLE ddl_seen (tag TEXT, at TIMESTAMPTZ DEFAULT now());");

        Http.Answer a = migrate(http, platform, "a", next, "allow", "drop_function");

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.body().get("results").get(0).get("functions_skipped").asInt()).isEqualTo(75);
        assertThat(a.body().get("functions_updated").asInt()).isZero();
        assertThat(Pg.query(db, "SELECT tag FROM ddl_seen").stream().map(r -> r.get(0)).toList())
                .doesNotContain("CREATE FUNCTION", "DROP FUNCTION", "ALTER FUNCTION");
    }
}
