package dev.cairn.fleet;

import static dev.cairn.fleet.MigrateTest.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Migrating a database to the bundle it already holds: the cheap probe answers "unchanged"
 * without a transaction, and whenever it cannot be sure (a routine recreated or renamed by hand,
 * tracking from an older Cairn) the exact check inside the transaction decides.
 */
class NoOpMigrateTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();

    private String registered() {
        String platform = gateway.platform();
        Http.Answer a = http.register(platform, "a", Schema.base().tarGz());
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return platform;
    }

    /** {@code unchanged} when the database already held the bundle, {@code changed} when it was migrated. */
    private static String status(Http.Answer a) {
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        var result = a.body().get("results").get(0);
        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("completed");
        return result.get("unchanged").asBoolean() ? "unchanged" : "changed";
    }

    private static String lastRoutines(String db) {
        return Pg.scalar(db, "SELECT coalesce(routines::text, 'NULL') FROM cairn.deployments ORDER BY id DESC LIMIT 1");
    }

    private static String greetId(String db) {
        return Pg.scalar(db, "SELECT p.oid || '/' || p.pronamespace || '/' || p.proname FROM pg_proc p"
                + " WHERE p.oid = 'greet(varchar)'::regprocedure");
    }

    @Test
    void the_same_bundle_again_is_unchanged_and_writes_nothing() {
        String platform = registered();
        String db = platform + "_a";
        String deployments = Pg.scalar(db, "SELECT count(*) FROM cairn.deployments");
        String changelog = Pg.scalar(db, "SELECT count(*) FROM cairn.changelog");

        assertThat(status(migrate(http, platform, "a", Schema.base()))).isEqualTo("unchanged");

        assertThat(Pg.scalar(db, "SELECT count(*) FROM cairn.deployments")).isEqualTo(deployments);
        assertThat(Pg.scalar(db, "SELECT count(*) FROM cairn.changelog")).isEqualTo(changelog);
        assertThat(lastRoutines(db)).contains(greetId(db));
    }

    @Test
    void a_function_dropped_and_created_again_by_hand_is_unchanged_and_its_new_oid_is_recorded() {
        String platform = registered();
        String db = platform + "_a";
        String before = greetId(db);
        String definition = Pg.scalar(db, "SELECT pg_get_functiondef('greet(varchar)'::regprocedure)");
        Pg.execute(db, "DROP FUNCTION greet(varchar); " + definition);
        assertThat(greetId(db)).isNotEqualTo(before);

        assertThat(status(migrate(http, platform, "a", Schema.base()))).isEqualTo("unchanged");

        assertThat(lastRoutines(db)).contains(greetId(db)).doesNotContain(before);
        assertThat(status(migrate(http, platform, "a", Schema.base()))).isEqualTo("unchanged");
    }

    @Test
    void a_function_renamed_by_hand_is_restored_under_its_name() {
        String platform = registered();
        String db = platform + "_a";
        Pg.execute(db, "ALTER FUNCTION greet(varchar) RENAME TO greet_by_hand");

        Http.Answer a = migrate(http, platform, "a", Schema.base());

        assertThat(status(a)).isEqualTo("changed");
        assertThat(a.body().get("functions_updated").asInt()).isEqualTo(1);
        assertThat(Pg.scalar(db, "SELECT greet('x')")).isEqualTo("hello x");
    }

    @Test
    void tracking_from_before_routine_ids_were_kept_is_upgraded_by_the_next_migrate() {
        String platform = registered();
        String db = platform + "_a";
        Pg.execute(db, "ALTER TABLE cairn.deployments DROP COLUMN routines");

        assertThat(status(migrate(http, platform, "a", Schema.base()))).isEqualTo("unchanged");

        assertThat(lastRoutines(db)).contains(greetId(db));
    }
}
