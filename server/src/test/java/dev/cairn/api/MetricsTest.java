package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.metrics.Scrape;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import dev.cairn.testing.TestGateway;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /metrics} on a real gateway, after real requests; every scrape must parse strictly. */
class MetricsTest {

    private static final String[] ADMIN = {"Authorization", "Bearer " + TestGateway.ADMIN_TOKEN};

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();

    private static Scrape scrape() {
        Http.Answer a = http.get("/metrics");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        return Scrape.parse(a.raw());
    }

    private static Http.Answer upload(String platform, Schema schema) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("schema_name", "tenant");
        form.put("schema", schema.tarGz());
        return http.postForm("/platform/" + platform + "/schema", form);
    }

    @Test
    void requests_are_counted_by_route_template_and_status_never_by_raw_path() {
        String platform = gateway.platform();
        Scrape before = scrape();
        assertThat(http.postJson("/platform/register", Map.of("platform", platform)).status()).isEqualTo(200);
        assertThat(upload(platform, Schema.base()).status()).isEqualTo(200);
        assertThat(upload(platform, Schema.base()).status()).isEqualTo(200);
        assertThat(http.get("/platform/" + platform + "/schemas").status()).isEqualTo(200);
        assertThat(http.get("/platform/no" + platform + "/schemas").status()).isEqualTo(404);
        assertThat(http.get("/no/such/" + platform).status()).isEqualTo(404);
        assertThat(http.method("DELETE", "/call").status()).isEqualTo(405);
        Http.Answer raw = http.get("/metrics");
        Scrape after = Scrape.parse(raw.raw());

        String schema = "/platform/{platform}/schema";
        assertThat(delta(before, after, "cairn_http_requests_total", "method", "POST", "route", schema, "status", "200"))
                .isEqualTo(2);
        assertThat(delta(before, after, "cairn_http_requests_total", "method", "GET",
                "route", "/platform/{platform}/schemas", "status", "404")).isEqualTo(1);
        assertThat(delta(before, after, "cairn_http_requests_total", "method", "GET", "route", "unmatched",
                "status", "404")).isEqualTo(1);
        assertThat(delta(before, after, "cairn_http_requests_total", "method", "DELETE", "route", "unmatched",
                "status", "405")).isEqualTo(1);
        assertThat(raw.raw()).doesNotContain(platform);
        assertThat(after.type("cairn_http_requests_total")).contains("counter");
        assertThat(after.type("cairn_http_request_duration_seconds")).contains("histogram");
    }

    @Test
    void the_latency_histogram_of_a_route_counts_each_of_its_requests_once_in_consistent_buckets() {
        String platform = gateway.platform();
        assertThat(http.postJson("/platform/register", Map.of("platform", platform)).status()).isEqualTo(200);
        Scrape before = scrape();
        for (int i = 0; i < 3; i++) {
            assertThat(http.get("/platform/" + platform + "/databases").status()).isEqualTo(200);
        }
        Scrape after = scrape();

        String[] route = {"method", "GET", "route", "/platform/{platform}/databases"};
        double count = after.one("cairn_http_request_duration_seconds_count", route).orElseThrow().value();
        assertThat(count - before.sum("cairn_http_request_duration_seconds_count", route)).isEqualTo(3);
        assertThat(count).isEqualTo(after.sum("cairn_http_requests_total", route));
        assertThat(after.all("cairn_http_request_duration_seconds_bucket", route)).hasSize(15)
                .extracting(s -> s.labels().get("le"))
                .startsWith("0.001", "0.0025", "0.005").endsWith("10", "30", "+Inf");
        assertThat(after.one("cairn_http_request_duration_seconds_sum", route).orElseThrow().value())
                .isPositive().isLessThan(count * 30);
    }

    @Test
    void a_register_a_tenant_and_a_call_show_up_as_deploys_and_as_the_tenant_pool() {
        String platform = gateway.platform();
        Scrape before = scrape();
        assertThat(http.register(platform, null, Schema.base().tarGz()).status()).isEqualTo(200);
        Http.Answer tenant = http.postJson("/admin/create-tenant", Map.of("platform", platform, "tenant_id", "acme"),
                ADMIN);
        assertThat(tenant.status()).as(tenant.toString()).isEqualTo(201);
        assertThat(http.register(platform, null, Schema.base().tarGz()).status()).isEqualTo(409);
        Http.Answer call = http.call(platform, "acme", "greet", List.of("metrics"));
        assertThat(call.status()).as(call.toString()).isEqualTo(200);
        Scrape after = scrape();

        assertThat(delta(before, after, "cairn_deploys_total", "kind", "fresh_deploy", "outcome", "completed"))
                .isEqualTo(1);
        assertThat(delta(before, after, "cairn_deploys_total", "kind", "fresh_deploy", "outcome", "failed"))
                .isEqualTo(1);
        assertThat(delta(before, after, "cairn_deploys_total", "kind", "template_copy", "outcome", "completed"))
                .isEqualTo(1);
        assertThat(delta(before, after, "cairn_deploy_duration_seconds_count", "kind", "fresh_deploy")).isEqualTo(2);
        assertThat(delta(before, after, "cairn_http_requests_total", "route", "/call", "status", "200")).isEqualTo(1);

        String db = platform + "_acme";
        assertThat(after.one("cairn_pool_connections_open", "database", db).orElseThrow().value()).isGreaterThanOrEqualTo(1);
        assertThat(after.one("cairn_pool_connections_in_use", "database", db).orElseThrow().value()).isZero();
        assertThat(after.one("cairn_pool_connections_idle", "database", db).orElseThrow().value())
                .isEqualTo(after.one("cairn_pool_connections_open", "database", db).orElseThrow().value());
        assertThat(after.one("cairn_pool_requests_waiting", "database", db).orElseThrow().value()).isZero();
        assertThat(after.all("cairn_pool_connections_open", "database", platform + "_main")).isEmpty();
        assertThat(after.one("cairn_connections_max").orElseThrow().value()).isEqualTo(20);
        assertThat(after.one("cairn_connections_open").orElseThrow().value())
                .isGreaterThanOrEqualTo(after.sum("cairn_pool_connections_open")).isLessThanOrEqualTo(20);
        assertThat(after.one("cairn_pools_open").orElseThrow().value())
                .isEqualTo(after.all("cairn_pool_connections_open").size());
        assertThat(after.one("cairn_connection_budget_contended").orElseThrow().value()).isZero();
    }

    @Test
    void a_running_job_has_progress_gauges_that_disappear_when_it_finishes_and_it_is_counted_by_status()
            throws Exception {
        String platform = gateway.platform();
        assertThat(http.postJson("/platform/register", Map.of("platform", platform)).status()).isEqualTo(200);
        assertThat(upload(platform, Schema.base()).status()).isEqualTo(200);
        for (String id : List.of("c0", "c1")) {
            assertThat(http.postJson("/database/create", Map.of("platform", platform, "schema_name", "tenant",
                    "database_id", id)).status()).isEqualTo(200);
        }
        assertThat(upload(platform, Schema.base().put("migrations/002_more.pssql", "SELECT 2;")).status())
                .isEqualTo(200);
        Scrape before = scrape();
        String job;
        // the canary's deploy lock is held, so the job stays running until it is released
        try (Connection held = Pg.connect(platform + "_tenant_c0"); Statement st = held.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + 0x43A10004 + ", hashtext(''))");
            Http.Answer started = http.postJson("/v2/migrate-all", Map.of("platform", platform, "schema_name", "tenant"),
                    "Prefer", "respond-async");
            assertThat(started.status()).as(started.toString()).isEqualTo(202);
            job = started.body().get("job_id").asText();
            Scrape running = awaitJobSeries(job);
            assertThat(running.one("cairn_job_databases", "job_id", job, "platform", platform).orElseThrow().value())
                    .isEqualTo(2);
            assertThat(running.one("cairn_job_databases_done", "job_id", job, "platform", platform).orElseThrow()
                    .value()).isZero();
            assertThat(running.one("cairn_job_databases_failed", "job_id", job, "platform", platform).orElseThrow()
                    .value()).isZero();
            assertThat(running.one("cairn_jobs_running").orElseThrow().value()).isGreaterThanOrEqualTo(1);
            st.execute("SELECT pg_advisory_unlock_all()");
        }
        JsonNode done = finished(job);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("completed");
        Scrape after = scrape();

        assertThat(after.samples()).noneMatch(s -> job.equals(s.labels().get("job_id")));
        assertThat(delta(before, after, "cairn_jobs_finished_total", "status", "completed")).isEqualTo(1);
        assertThat(delta(before, after, "cairn_deploys_total", "kind", "migrate", "outcome", "completed")).isEqualTo(2);
        assertThat(delta(before, after, "cairn_deploy_duration_seconds_count", "kind", "migrate")).isEqualTo(2);
    }

    @Test
    void the_process_reports_its_version_uptime_and_heap() {
        Scrape s = scrape();
        assertThat(s.one("cairn_build_info", "version", "0.1.0").orElseThrow().value()).isEqualTo(1);
        assertThat(s.one("cairn_uptime_seconds").orElseThrow().value()).isPositive();
        assertThat(s.one("cairn_jvm_heap_used_bytes").orElseThrow().value()).isPositive();
        assertThat(s.type("cairn_uptime_seconds")).contains("gauge");
    }

    @Test
    void metrics_are_behind_the_network_allow_list_like_every_route() {
        try (TestGateway closed = TestGateway.start(Map.of("ALLOWED_NETWORKS", "10.0.0.0/8"))) {
            Http.Answer a = closed.http().get("/metrics");
            assertThat(a.status()).isEqualTo(403);
            assertThat(a.body().get("error").asText()).isEqualTo("forbidden");
        }
    }

    private static Scrape awaitJobSeries(String job) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Scrape s = scrape();
            if (!s.all("cairn_job_databases", "job_id", job).isEmpty()) {
                return s;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + job + " never showed up in /metrics");
    }

    private static JsonNode finished(String job) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Http.Answer a = http.get("/v2/migrate-all/" + job);
            String status = a.body().get("status").asText();
            if (!status.equals("running") && !status.equals("queued")) {
                return a.body();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("job " + job + " did not end");
    }

    private static double delta(Scrape before, Scrape after, String name, String... labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
