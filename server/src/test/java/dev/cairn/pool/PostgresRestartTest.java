package dev.cairn.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Bundles;
import dev.cairn.testing.Http;
import dev.cairn.testing.TestGateway;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL restarted under load, on a private embedded server this test owns (never the machine's
 * shared one): requests fail only while it is down or were in flight when it went, each as a
 * retryable 503 with {@code Retry-After}; the gateway heals by itself within 5 s of the server's
 * return, and no connection or budget permit is left behind. The long variant runs with
 * {@code -Psoak}.
 */
class PostgresRestartTest {

    private static final int CLIENTS = 8;
    private static final Duration OUTAGE = Duration.ofSeconds(2);
    private static final Duration HEALED_WITHIN = Duration.ofSeconds(5);

    record Outcome(long atNanos, int status, String error, String retryAfter) {
    }

    @Test
    void a_restart_under_load_costs_only_retryable_503s_during_the_outage_and_heals_by_itself() throws Exception {
        restarts(CLIENTS, List.of(OUTAGE));
    }

    /** The long run ({@code ./mvnw verify -Psoak}): five restarts of 1 to 4 s under twice the clients. */
    @Test
    @Tag("soak")
    void restarts_again_and_again_under_heavier_load_each_heal_and_leave_nothing_behind() throws Exception {
        restarts(2 * CLIENTS, List.of(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofMillis(500),
                Duration.ofSeconds(4), Duration.ofSeconds(2)));
    }

    /** One restart per outage, under {@code clients} callers; then the checks on every answer. */
    private static void restarts(int clients, List<Duration> outages) throws Exception {
        Path data = Files.createTempDirectory("cairn-restart-pg");
        EmbeddedPostgres pg = start(data, 0);
        int port = pg.getPort();
        String app = "cairn_restart_" + TestGateway.randomHex();
        try (TestGateway g = TestGateway.start(Map.of("DATABASE_URL", "postgres://postgres@127.0.0.1:" + port
                + "/postgres", "APPLICATION_NAME", app, "MAX_TOTAL_CONNECTIONS", "20"))) {
            String platform = g.platform();
            assertThat(g.http().register(platform, null, Bundles.tarGz(Bundles.fixture("calls"))).status())
                    .isEqualTo(200);
            ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            List<long[]> away = new java.util.ArrayList<>(); // {stopped, healed} per restart
            try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < clients; i++) {
                    callers.submit(() -> load(g.http(), platform, running, outcomes));
                }
                try {
                    for (Duration outage : outages) {
                        Thread.sleep(1000);
                        long stopped = System.nanoTime();
                        pg.close(); // pg_ctl stop -m fast: sessions in flight are ended
                        Thread.sleep(outage.toMillis());
                        pg = start(data, port);
                        away.add(new long[] {stopped, System.nanoTime() + HEALED_WITHIN.toNanos()});
                        Thread.sleep(HEALED_WITHIN.toMillis() + 1000);
                    }
                } finally {
                    running.set(false); // also when a step fails: the callers must end
                }
            }

            List<Outcome> all = List.copyOf(outcomes);
            assertThat(all.stream().filter(o -> o.atNanos() < away.getFirst()[0])).as("before the first restart")
                    .isNotEmpty().allMatch(o -> o.status() == 200);
            assertThat(all.stream().filter(o -> o.atNanos() > away.getLast()[1])).as("5 s after the last return")
                    .isNotEmpty().allMatch(o -> o.status() == 200);
            List<Outcome> failed = all.stream().filter(o -> o.status() != 200).toList();
            assertThat(failed).as("every failure is a retryable 503").allSatisfy(o -> {
                assertThat(o.status()).isEqualTo(503);
                assertThat(o.retryAfter()).isNotEmpty();
                assertThat(o.error()).isIn("connection_failed", "pool_exhausted", "query_failed");
            });
            assertThat(failed).as("failures only while the server was away (and up to 5 s after it was back)")
                    .allMatch(o -> away.stream().anyMatch(w -> o.atNanos() >= w[0] && o.atNanos() <= w[1]));

            // nothing leaked: no connection is busy, and a burst as large as the budget is served in full
            assertThat(g.http().get("/health").body().path("busy_connections").asInt()).isZero();
            try (ExecutorService burst = Executors.newVirtualThreadPerTaskExecutor()) {
                List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    statuses.add(burst.submit(() -> g.http().call(platform, null, "billing.invoice_total",
                            List.of(3)).status()));
                }
                for (var s : statuses) {
                    assertThat(s.get()).isEqualTo(200);
                }
            }
            assertThat(g.http().get("/health").body().path("status").asText()).isEqualTo("healthy");
            assertThat(Integer.parseInt(scalar(port, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                    + app + "'"))).as("the gateway's sessions on the server").isLessThanOrEqualTo(20);
        } finally {
            pg.close();
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String scalar(int port, String sql) throws java.sql.SQLException {
        try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "postgres", ""); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void load(Http http, String platform, AtomicBoolean running, ConcurrentLinkedQueue<Outcome> out) {
        while (running.get()) {
            Http.Answer a = http.call(platform, null, "billing.invoice_total", List.of(3));
            out.add(new Outcome(System.nanoTime(), a.status(), a.status() == 200 ? ""
                    : a.body().path("error").asText(), a.status() == 200 ? "" : a.header("retry-after")));
        }
    }

    /** A private server in {@code data}, on {@code port} (0: a free one), kept across restarts. */
    private static EmbeddedPostgres start(Path data, int port) throws java.io.IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .setServerConfig("max_connections", "50").setServerConfig("fsync", "off");
        if (port != 0) {
            b.setPort(port);
        }
        return b.start();
    }
}
