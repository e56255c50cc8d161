package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The client against the real gateway, started from its jar as a child process. */
@ExtendWith(SharedServer.class)
class ServerCommandsTest {

    private static final String ARCHIVED = """
            CREATE TABLE notebooks (
                notebook_id serial PRIMARY KEY,
                title       text NOT NULL UNIQUE
            );

            CREATE TABLE notes (
                note_id     serial PRIMARY KEY,
                notebook_id integer NOT NULL REFERENCES notebooks (notebook_id) ON DELETE CASCADE,
                body        text NOT NULL,
                tags        text[] NOT NULL DEFAULT '{}',
                archived    boolean NOT NULL DEFAULT false,
                created_at  timestamptz NOT NULL DEFAULT now()
            );
            CREATE INDEX notes_notebook ON notes (notebook_id);
            """;

    private static ServerProcess server;

    @BeforeAll
    static void start(ServerProcess shared) {
        server = shared;
    }

    private static Run cairn(String... args) {
        return Run.against(server, args);
    }

    /** Through a proxy that drops {@code Prefer}: a server that answers a short job finished, with 200. */
    private static Run viaProxy(PreferIgnoringProxy proxy, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", proxy.url()));
        return Run.cairn(Map.of("CAIRN_TOKEN", ServerProcess.ADMIN_TOKEN), all.toArray(String[]::new));
    }

    private static Path withArchived() {
        Path dir = Run.notesCopy();
        Run.write(dir.resolve("postgresql/tables/notes.sql"), ARCHIVED);
        return dir;
    }

    private static String registered(Path bundle, String... tenants) {
        String p = server.platform();
        Run register = cairn("register", p, bundle.toString());
        assertThat(register.exit()).as(register.toString()).isZero();
        for (String t : tenants) {
            Run create = cairn("tenants", "create", p, t);
            assertThat(create.exit()).as(create.toString()).isZero();
        }
        return p;
    }

    @Test
    void register_call_tenants_platforms_schemas_and_health_work_end_to_end() {
        String p = server.platform();
        Path dir = Run.notesCopy();

        Run register = cairn("register", p, dir.toString());
        assertThat(register.exit()).as(register.toString()).isZero();
        assertThat(register.out()).contains("registered " + p + "_main", "2 table(s)", "2 function(s)",
                "seeded notebooks: 1 inserted");

        Run add = cairn("call", "add_note", "inbox", "Buy milk", "[\"home\"]", "--platform", p);
        assertThat(add.exit()).as(add.toString()).isZero();
        assertThat(add.out()).contains("add_note").contains("(1 row)");

        Run named = cairn("call", "list_notes", "--platform", p, "--json", "{\"p_notebook\":\"inbox\"}");
        assertThat(named.exit()).as(named.toString()).isZero();
        assertThat(named.out()).contains("note_id", "body", "Buy milk", "[\"home\"]", "(1 row)");

        Run asJson = cairn("call", "list_notes", "inbox", "--platform", p, "--output", "json");
        JsonNode rows = Json.parse(asJson.out()).orElseThrow().path("rows");
        assertThat(rows.get(0).path("body").asText()).isEqualTo("Buy milk");

        Run create = cairn("tenants", "create", p, "acme");
        assertThat(create.exit()).as(create.toString()).isZero();
        assertThat(create.out()).contains("created " + p + "_acme");
        Run tenantCall = cairn("call", "list_notes", "inbox", "--platform", p, "--tenant", "acme");
        assertThat(tenantCall.out()).contains("(0 rows)");

        Run list = cairn("tenants", "list", p);
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains("DATABASE", p + "_main", p + "_acme", "acme", "(2 database(s))");

        Run suspend = cairn("tenants", "suspend", p + "_acme");
        assertThat(suspend.exit()).as(suspend.toString()).isZero();
        assertThat(suspend.out()).contains(p + "_acme suspended");
        assertThat(cairn("tenants", "list", p).out()).contains("suspended");
        Run refused = cairn("call", "list_notes", "inbox", "--platform", p, "--tenant", "acme");
        assertThat(refused.exit()).isEqualTo(Exit.SERVER);
        assertThat(refused.err()).contains("database_suspended");
        assertThat(cairn("tenants", "resume", p + "_acme").out()).contains(p + "_acme active");
        Run noConfirm = cairn("tenants", "delete", p + "_acme");
        assertThat(noConfirm.exit()).isEqualTo(Exit.USAGE);
        Run delete = cairn("tenants", "delete", p + "_acme", "--confirm", p + "_acme");
        assertThat(delete.exit()).as(delete.toString()).isZero();
        assertThat(delete.out()).contains(p + "_acme deleted");
        assertThat(cairn("tenants", "list", p).out()).doesNotContain(p + "_acme").contains("(1 database(s))");

        Run platforms = cairn("platforms");
        assertThat(platforms.exit()).isZero();
        assertThat(platforms.out()).contains("PLATFORM", p);

        Run upload = cairn("schemas", "upload", p, dir.toString(), "--schema", "tenant");
        assertThat(upload.exit()).as(upload.toString()).isZero();
        assertThat(upload.out()).startsWith("stored: " + p + " schema tenant v1");
        Run again = cairn("schemas", "upload", p, dir.toString(), "--schema", "tenant");
        assertThat(again.out()).startsWith("unchanged: ");

        Run schemas = cairn("schemas", "list", p);
        assertThat(schemas.exit()).isZero();
        assertThat(schemas.out()).contains("SCHEMA", "main", "tenant", "(2 schema(s))");

        Run health = cairn("health");
        assertThat(health.exit()).as(health.toString()).isZero();
        assertThat(health.out()).startsWith("healthy: " + server.url()).contains("postgres connected");
        Run healthJson = cairn("health", "--json");
        assertThat(Json.parse(healthJson.out()).orElseThrow().path("status").asText()).isEqualTo("healthy");
    }

    @Test
    void migrating_one_tenant_changes_only_that_database_and_prints_a_summary() {
        String p = registered(Run.notesCopy(), "acme", "globex");

        Run run = cairn("migrate", p, withArchived().toString(), "--tenant", "acme");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains(p + "_acme: completed", "1 table change(s)", "AddColumn", "archived");
        assertThat(columns(p + "_acme")).contains("archived");
        assertThat(columns(p + "_globex")).doesNotContain("archived");
    }

    @Test
    void a_fleet_migrate_runs_as_a_job_and_reports_progress_and_a_summary() {
        String p = registered(Run.notesCopy(), "t1", "t2", "t3");

        Run run = cairn("migrate", p, withArchived().toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("stored schema main v2", "migrating 4 database(s) of schema main (job ",
                "progress: [##############################] 4/4  failed 0")
                .containsPattern("done in [0-9.]+m?s \\(schema main\\): 4 changed, 0 unchanged, 0 failed, 0 skipped of 4");
        assertThat(run.out()).as("no colours off a terminal").doesNotContain("\u001b[").doesNotContain("\r");
        for (String db : new String[] {"_main", "_t1", "_t2", "_t3"}) {
            assertThat(columns(p + db)).as(db).contains("archived");
        }

        String job = run.out().replaceAll("(?s).*\\(job ([0-9a-f-]+)\\).*", "$1");
        Run watch = cairn("jobs", "watch", job);
        assertThat(watch.exit()).as(watch.toString()).isZero();
        assertThat(watch.out()).contains("4 changed, 0 unchanged, 0 failed, 0 skipped of 4 database(s), job " + job);
    }

    @Test
    void a_fleet_migrate_where_nothing_changed_counts_every_database_once_as_unchanged() {
        String p = registered(Run.notesCopy(), "t1", "t2", "t3");
        Path archived = withArchived();
        assertThat(cairn("migrate", p, archived.toString()).exit()).isZero();

        Run again = cairn("migrate", p, archived.toString());
        Run json = cairn("migrate", p, archived.toString(), "--json");

        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).contains("stored schema main v2 (unchanged)",
                        "progress: [##############################] 4/4  failed 0",
                        ": 0 changed, 4 unchanged, 0 failed, 0 skipped of 4 database(s)")
                .doesNotContain("8/4").doesNotContain("  " + p);
        assertThat(json.exit()).as(json.toString()).isZero();
        var lines = json.out().strip().lines().map(l -> Json.parse(l).orElseThrow()).toList();
        var results = lines.stream().filter(l -> l.path("event").asText().equals("result")).toList();
        assertThat(results).hasSize(4).allSatisfy(r -> {
            assertThat(r.path("status").asText()).isEqualTo("completed");
            assertThat(r.path("unchanged").asBoolean()).isTrue();
            assertThat(r.path("problem").isNull()).isTrue();
        });
        JsonNode done = lines.get(lines.size() - 1);
        assertThat(done.path("event").asText()).isEqualTo("done");
        assertThat(done.path("changed").asInt()).isZero();
        assertThat(done.path("unchanged").asInt()).isEqualTo(4);
        assertThat(done.path("completed").asInt()).isEqualTo(4);
    }

    @Test
    void a_fleet_migrate_with_json_passes_the_server_s_lines_through() {
        String p = registered(Run.notesCopy(), "t1");

        Run run = cairn("migrate", p, withArchived().toString(), "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        var lines = run.out().strip().lines().map(l -> Json.parse(l).orElseThrow()).toList();
        assertThat(lines).allMatch(JsonNode::isObject);
        assertThat(lines.get(lines.size() - 1).path("event").asText()).isEqualTo("done");
        assertThat(lines.get(lines.size() - 1).path("completed").asInt()).isEqualTo(2);
        assertThat(lines.get(lines.size() - 1).path("changed").asInt()).isEqualTo(2);
        assertThat(lines).filteredOn(l -> l.path("event").asText().equals("result"))
                .hasSize(2).allMatch(r -> r.path("status").asText().equals("completed") && !r.path("unchanged").asBoolean());
        assertThat(run.out()).doesNotContain("[#");
    }

    @Test
    void a_dry_run_prints_the_plan_as_a_table_and_changes_nothing() {
        String p = registered(Run.notesCopy(), "acme");

        Run fleet = cairn("migrate", p, withArchived().toString(), "--dry-run");
        Run one = cairn("migrate", p, withArchived().toString(), "--tenant", "acme", "--dry-run");

        assertThat(fleet.exit()).as(fleet.toString()).isZero();
        assertThat(fleet.out()).contains("dry run of 2 database(s)", p + "_main, " + p + "_acme:")
                .containsPattern("CLASS +CHANGE +TABLE +COLUMN +FROM -> TO +ALLOW")
                .containsPattern("safe +AddColumn +public.notes +archived +- -> boolean");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.out()).contains("dry run of " + p + "_acme (nothing was changed)")
                .containsPattern("safe +AddColumn +public.notes +archived");
        assertThat(columns(p + "_main")).doesNotContain("archived");
        assertThat(columns(p + "_acme")).doesNotContain("archived");
    }

    /** The notes bundle without the column {@code notes.tags}: a data-loss change the server blocks. */
    private static Path dropsTags() {
        Path dir = Run.notesCopy();
        Run.write(dir.resolve("postgresql/tables/notes.sql"), ARCHIVED.replace(
                "    tags        text[] NOT NULL DEFAULT '{}',\n", ""));
        // The functions must fit the new table: the server builds a template of the target first.
        Run.write(dir.resolve("postgresql/functions/notes.sql"), "CREATE OR REPLACE FUNCTION count_notes()"
                + " RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM notes $$;\n");
        return dir;
    }

    @Test
    void a_blocked_change_exits_3_with_the_blocked_changes() {
        String p = registered(Run.notesCopy(), "acme");
        Path dropsTags = dropsTags();

        Run one = cairn("migrate", p, dropsTags.toString(), "--tenant", "acme");
        Run fleet = cairn("migrate", p, dropsTags.toString());
        Run fleetJson = cairn("migrate", p, dropsTags.toString(), "--json");
        Run dry = cairn("migrate", p, dropsTags.toString(), "--dry-run");

        assertThat(one.exit()).as(one.toString()).isEqualTo(3);
        assertThat(one.err()).contains("error: schema_change_blocked (HTTP 409)", "DropColumn public.notes.tags")
                .containsPattern("data-loss +DropColumn +public.notes +tags");
        assertThat(fleet.exit()).as(fleet.toString()).isEqualTo(3);
        assertThat(fleet.out()).contains("0 changed, 0 unchanged, 1 failed, 1 skipped",
                p + "_main failed: schema_change_blocked: ", p + "_acme skipped: ");
        assertThat(fleetJson.exit()).as(fleetJson.toString()).isEqualTo(3);
        JsonNode blocked = fleetJson.out().lines().map(l -> Json.parse(l).orElseThrow())
                .filter(l -> l.path("event").asText().equals("result") && l.path("status").asText().equals("failed"))
                .findFirst().orElseThrow();
        assertThat(blocked.path("problem").path("error").asText()).isEqualTo("schema_change_blocked");
        assertThat(blocked.path("error").isTextual()).as("error is a sentence").isTrue();
        assertThat(dry.exit()).as(dry.toString()).isZero();
        assertThat(dry.out()).containsPattern("data-loss +DropColumn +public.notes +tags").contains("would be blocked");
        assertThat(columns(p + "_acme")).contains("tags");
    }

    @Test
    void a_server_that_answers_with_the_finished_job_is_summarized_without_following_it() {
        String p = registered(Run.notesCopy(), "t1", "t2", "t3");

        try (PreferIgnoringProxy proxy = PreferIgnoringProxy.in(server)) {
            Run run = viaProxy(proxy, "migrate", p, withArchived().toString());
            Run blocked = viaProxy(proxy, "migrate", p, dropsTags().toString());

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.out()).contains("migrated 4 database(s) of schema main (job ").doesNotContain("progress: ")
                    .containsPattern("done in [0-9.]+m?s \\(schema main\\): 4 changed, 0 unchanged, 0 failed, 0 skipped"
                            + " of 4 database\\(s\\), job [0-9a-f-]+");
            assertThat(blocked.exit()).as(blocked.toString()).isEqualTo(3);
            assertThat(blocked.out()).contains("0 changed, 0 unchanged, 1 failed, 3 skipped",
                    p + "_main failed: schema_change_blocked: ");
            assertThat(proxy.requests()).as("no job was followed").noneMatch(r -> r.startsWith("GET /v2/migrate-all/"));
        }
        assertThat(columns(p + "_t3")).contains("archived").contains("tags");
    }

    @Test
    void a_bad_function_exits_4_with_the_server_s_error_and_message() {
        String p = registered(Run.notesCopy());

        Run run = cairn("call", "no_such_function", "--platform", p);
        Run json = cairn("call", "no_such_function", "--platform", p, "--output", "json");

        assertThat(run.exit()).isEqualTo(4);
        assertThat(run.err()).contains("error: function_not_found (HTTP 404): function no_such_function does not exist")
                .contains("database " + p + "_main");
        assertThat(Json.parse(json.out()).orElseThrow().path("error").asText()).isEqualTo("function_not_found");
    }

    @Test
    void a_broken_bundle_names_the_file_and_line() {
        Path dir = Run.notesCopy();
        Run.write(dir.resolve("postgresql/functions/broken.sql"), "-- broken\nCREATE FUNCTION broken() RETURNS int\n"
                + "LANGUAGE sql AS $$ SELEC 1 $$;\n");

        Run run = cairn("register", server.platform(), dir.toString());

        assertThat(run.exit()).isEqualTo(4);
        assertThat(run.err()).contains("error: function_deploy_failed").contains("file functions/broken.sql");
    }

    @Test
    void an_unreachable_server_exits_5() {
        int port = ServerProcess.freePort();
        Run run = Run.cairn(Map.of("CAIRN_URL", "http://127.0.0.1:" + port), "health");

        assertThat(run.exit()).isEqualTo(5);
        assertThat(run.err()).contains("cannot reach the Cairn server at http://127.0.0.1:" + port,
                "use --wait 60s");
    }

    @Test
    void admin_routes_without_the_token_are_a_server_error() {
        Run run = Run.cairn(Map.of(), "tenants", "list", "whatever", "--url", server.url());

        assertThat(run.exit()).isEqualTo(4);
        assertThat(run.err()).contains("error: unauthorized (HTTP 401)");
    }

    private static List<String> columns(String database) {
        return Pg.column(database, "SELECT attname FROM pg_attribute WHERE attrelid = 'notes'::regclass"
                + " AND attnum > 0 AND NOT attisdropped");
    }
}
