package dev.cairn.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Await;
import dev.cairn.testing.ChildGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import dev.cairn.testing.TestGateway;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The gateway killed (SIGKILL) in the middle of a {@code register} and of a {@code migrate}: the
 * database is at the old version or the new one, never in between, and running the same request
 * again on a restarted gateway completes. (A fleet job killed midway: {@code KilledGatewayTest}.)
 */
class KilledDeployTest {

    /** A migration that takes long enough to be killed in: the deploy's transaction is open meanwhile. */
    private static final String SLOW = "ALTER TABLE notes ADD COLUMN pinned BOOLEAN;\nSELECT pg_sleep(2);";

    @Test
    void a_register_killed_mid_deploy_leaves_no_half_database_and_the_same_register_then_completes() throws Exception {
        String control = "cairn_test_" + TestGateway.randomHex();
        String platform = "k" + TestGateway.randomHex();
        String db = platform + "_main";
        // a fresh deploy creates tables/ and records migrations without running them: the seeder is slow
        Schema bundle = Schema.base().put("seeders/zz_slow.pssql",
                "INSERT INTO accounts (id, name) SELECT 3, 'late' FROM pg_sleep(2);");
        String app = "cairn_killed_" + TestGateway.randomHex();
        ChildGateway gateway = ChildGateway.start(control, Map.of("APPLICATION_NAME", app));
        try {
            killWhileSleeping(gateway, app, () -> gateway.http().register(platform, null, bundle.tarGz()));

            // wholly old: the database is absent, or holds nothing of the bundle and no tracking
            if (Pg.databaseExists(db)) {
                assertThat(Pg.scalar(db, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isEqualTo("0");
                assertThat(Pg.scalar(db, "SELECT count(*) FROM pg_namespace WHERE nspname = 'cairn'")).isEqualTo("0");
            }

            try (ChildGateway again = ChildGateway.start(control, Map.of())) {
                Http.Answer rerun = again.http().register(platform, null, bundle.tarGz());
                assertThat(rerun.status()).as(rerun.toString()).isEqualTo(200);
                assertThat(Pg.scalar(db, "SELECT count(*) FROM accounts")).isEqualTo("3");
            }
        } finally {
            gateway.kill();
            TestGateway.dropAll(control, TestGateway.recorded(control), List.of(platform));
        }
    }

    @Test
    void a_migrate_killed_midway_leaves_the_database_wholly_old_and_the_same_migrate_then_completes()
            throws Exception {
        String control = "cairn_test_" + TestGateway.randomHex();
        String platform = "k" + TestGateway.randomHex();
        String db = platform + "_a";
        Schema v2 = Schema.base().put("migrations/002_slow.pssql", SLOW)
                .put("tables/notes.pssql", "CREATE TABLE notes (id SERIAL PRIMARY KEY, account_id INTEGER"
                        + " REFERENCES accounts (id), body TEXT, pinned BOOLEAN);")
                .put("functions/greet.pssql", "CREATE FUNCTION greet(p_name VARCHAR(100)) RETURNS text LANGUAGE sql"
                        + " IMMUTABLE AS $$ SELECT 'hi ' || p_name $$;");
        String app = "cairn_killed_" + TestGateway.randomHex();
        ChildGateway gateway = ChildGateway.start(control, Map.of("APPLICATION_NAME", app));
        try {
            assertThat(gateway.http().register(platform, "a", Schema.base().tarGz()).status()).isEqualTo(200);

            killWhileSleeping(gateway, app, () -> MigrateTest.migrate(gateway.http(), platform, "a", v2));

            assertThat(Pg.columns(db, "notes")).doesNotContain("pinned");
            assertThat(Pg.scalar(db, "SELECT count(*) FROM cairn.migrations WHERE name LIKE '002%'")).isEqualTo("0");
            assertThat(Pg.scalar(db, "SELECT greet('x')")).isEqualTo("hello x");

            try (ChildGateway again = ChildGateway.start(control, Map.of())) {
                Http.Answer rerun = MigrateTest.migrate(again.http(), platform, "a", v2);
                assertThat(rerun.status()).as(rerun.toString()).isEqualTo(200);
                assertThat(Pg.columns(db, "notes")).contains("pinned");
                assertThat(Pg.scalar(db, "SELECT count(*) FROM cairn.migrations WHERE name LIKE '002%'")).isEqualTo("1");
                assertThat(Pg.scalar(db, "SELECT greet('x')")).isEqualTo("hi x");
            }
        } finally {
            gateway.kill();
            TestGateway.dropAll(control, TestGateway.recorded(control), List.of(platform));
        }
    }

    /**
     * Sends the request, waits until its deploy sleeps (in whichever database: a register builds a
     * template first), and kills the gateway, whose sessions are named {@code app}.
     */
    private static void killWhileSleeping(ChildGateway gateway, String app,
                                          java.util.function.Supplier<Http.Answer> request) throws InterruptedException {
        CompletableFuture<Http.Answer> inFlight = CompletableFuture.supplyAsync(request);
        Await.until("the deploy runs its slow migration", Duration.ofSeconds(30), () -> "1".equals(
                Pg.scalar("postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?"
                        + " AND state = 'active' AND query LIKE '%pg_sleep(2)%'", app)));
        gateway.kill();
        assertThat(inFlight.handle((answer, failure) -> failure != null || answer.status() >= 500).join())
                .as("the killed request did not answer success").isTrue();
        // the server ends the killed gateway's sessions (and rolls their transactions back) once it sees them gone
        Await.until("the killed gateway's sessions ended", Duration.ofSeconds(30), () -> "0".equals(
                Pg.scalar("postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", app)));
    }
}
