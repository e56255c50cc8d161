package dev.cairn.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.ChildGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import dev.cairn.testing.TestGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gateway process killed (SIGKILL) in the middle of a fleet migration of 50 databases: every
 * database is wholly old or wholly new, the job reads {@code interrupted} after a restart, and
 * resuming it finishes the rest.
 */
class KilledGatewayTest {

    private static final int DATABASES = 50;

    @Test
    void each_database_is_wholly_old_or_wholly_new_and_the_interrupted_job_resumes() throws Exception {
        String control = "cairn_test_" + TestGateway.randomHex();
        String platform = "k" + TestGateway.randomHex();
        ChildGateway gateway = null;
        try {
            gateway = ChildGateway.start(control, Map.of());
            Http http = gateway.http();
            assertThat(http.postJson("/platform/register", Map.of("platform", platform)).status()).isEqualTo(200);
            assertThat(FleetJobTest.upload(http, platform, "tenant", Schema.base()).status()).isEqualTo(200);
            for (int i = 0; i < DATABASES; i++) {
                Http.Answer c = http.postJson("/database/create", Map.of("platform", platform, "schema_name",
                        "tenant", "database_id", "d" + i));
                assertThat(c.status()).as(c.toString()).isEqualTo(200);
            }
            Schema v2 = Schema.base()
                    .put("migrations/002_slow.pssql", "ALTER TABLE notes ADD COLUMN pinned BOOLEAN;\n"
                            + "SELECT pg_sleep(0.3);")
                    .put("tables/notes.pssql", """
                            CREATE TABLE notes (id SERIAL PRIMARY KEY, account_id INTEGER REFERENCES accounts (id),
                                body TEXT, pinned BOOLEAN);""")
                    .put("functions/greet.pssql", """
                            CREATE FUNCTION greet(p_name VARCHAR(100)) RETURNS text LANGUAGE sql IMMUTABLE
                            AS $$ SELECT 'hi ' || p_name $$;""");
            assertThat(FleetJobTest.upload(http, platform, "tenant", v2).status()).isEqualTo(200);
            String job = FleetJobTest.startJob(http, Map.of("platform", platform, "schema_name", "tenant",
                    "concurrency", 2));
            waitForFinishedItems(control, job, 6);

            gateway.kill();

            int migrated = 0;
            for (int i = 0; i < DATABASES; i++) {
                String db = platform + "_tenant_d" + i;
                boolean column = Pg.columns(db, "notes").contains("pinned");
                boolean tracked = Pg.scalar(db, "SELECT count(*) FROM cairn.migrations WHERE name LIKE '002%'")
                        .equals("1");
                boolean function = Pg.scalar(db, "SELECT greet('x')").equals("hi x");
                assertThat(List.of(tracked, function)).as(db + " is half migrated").containsOnly(column);
                migrated += column ? 1 : 0;
            }
            assertThat(migrated).isBetween(6, DATABASES - 1);

            gateway = ChildGateway.start(control, Map.of());
            http = gateway.http();
            assertThat(http.get("/v2/migrate-all/" + job).body().get("status").asText()).isEqualTo("interrupted");
            Http.Answer resumed = http.postJson("/v2/migrate-all/" + job + "/resume", Map.of());
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(202);
            var done = FleetJobTest.finished(http, job);
            assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
            assertThat(done.get("succeeded").asInt()).isEqualTo(DATABASES);
            for (int i = 0; i < DATABASES; i++) {
                assertThat(Pg.columns(platform + "_tenant_d" + i, "notes")).contains("pinned");
            }
        } finally {
            if (gateway != null) {
                gateway.kill();
            }
            TestGateway.dropAll(control, TestGateway.recorded(control), List.of(platform));
        }
    }

    private static void waitForFinishedItems(String control, String job, int n) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            String done = Pg.scalar(control, "SELECT count(*) FROM job_items WHERE job_id = ?::uuid"
                    + " AND status IN ('completed', 'unchanged')", job);
            if (Integer.parseInt(done) >= n) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the job did not get going");
    }
}
