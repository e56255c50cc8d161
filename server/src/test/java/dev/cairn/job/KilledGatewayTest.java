package dev.cairn.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import dev.cairn.testing.TestGateway;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
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
        Process gateway = null;
        try {
            gateway = child(control);
            Http http = healthy(gateway);
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

            gateway.destroyForcibly().waitFor();

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

            gateway = child(control);
            http = healthy(gateway);
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
                gateway.destroyForcibly().waitFor();
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

    /** A gateway in its own JVM, on the test classpath, so it can be killed like a real process. */
    private static Process child(String control) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.cairn.server.Main", "serve");
        Map<String, String> env = pb.environment();
        env.put("DATABASE_URL", Pg.url("postgres"));
        env.put("CONTROL_DB", control);
        env.put("GATEWAY_HOST", "127.0.0.1");
        env.put("GATEWAY_PORT", Integer.toString(port));
        env.put("MAX_TOTAL_CONNECTIONS", "12");
        env.put("LOG_LEVEL", "warn");
        env.put("TZ", "UTC");
        File log = Path.of("target", "killed-gateway-" + control + ".log").toFile();
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        Process p = pb.start();
        p.info(); // started
        portOf.put(p.pid(), port);
        return p;
    }

    private static final java.util.Map<Long, Integer> portOf = new java.util.concurrent.ConcurrentHashMap<>();

    private static Http healthy(Process p) throws InterruptedException {
        Http http = new Http(portOf.get(p.pid()));
        for (int i = 0; i < 300; i++) {
            if (!p.isAlive()) {
                throw new AssertionError("the gateway process exited with " + p.exitValue());
            }
            try {
                if (http.get("/health").status() == 200) {
                    return http;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the gateway did not start");
    }
}
