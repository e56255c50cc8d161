package dev.cairn.job;

import static dev.cairn.job.FleetJobTest.finished;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Await;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A no-op fleet migrate learns from the shared catalogs (database OIDs, routines the platform's
 * role owns) which databases cannot have changed, and opens no session in those; any database
 * whose routines were touched by hand goes the usual way and is put right.
 */
class CatalogCheckTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();

    private String platformWithTenants(int tenants) {
        return FleetJobTest.platformWithTenants(gateway.http(), gateway.platform(), tenants);
    }

    private static Map<String, String> byDatabase(JsonNode job, String field) {
        Map<String, String> out = new HashMap<>();
        job.get("results").forEach(r -> out.put(r.get("database").asText(), r.get(field).asText()));
        return out;
    }

    private static JsonNode migrateAll(String platform) throws InterruptedException {
        JsonNode job = finished(http, FleetJobTest.startJob(http, Map.of("platform", platform, "schema_name", "tenant")));
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        return job;
    }

    private static long sessions(String db) {
        return Long.parseLong(Pg.scalar("postgres", "SELECT sessions FROM pg_stat_database WHERE datname = '" + db + "'"));
    }

    /** Session counts are flushed when a backend exits, a moment after its client closed it. */
    private static void awaitSessionsAbove(String db, long before) {
        Await.until("a session of " + db + " counted", Duration.ofSeconds(5), () -> sessions(db) > before);
    }

    @Test
    void databases_the_catalogs_show_unchanged_are_reported_unchanged_without_a_session() throws Exception {
        String platform = platformWithTenants(4);
        Map<String, Long> before = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            before.put(platform + "_tenant_c" + i, sessions(platform + "_tenant_c" + i));
        }

        JsonNode job = migrateAll(platform);

        assertThat(byDatabase(job, "status").values()).containsOnly("completed").hasSize(4);
        assertThat(byDatabase(job, "unchanged").values()).containsOnly("true");
        String canary = job.get("results").get(0).get("database").asText();
        awaitSessionsAbove(canary, before.get(canary)); // the canary is always really checked
        Await.holds("no session in the databases after the canary", Duration.ofMillis(300), () -> before.entrySet()
                .stream().allMatch(e -> e.getKey().equals(canary) || sessions(e.getKey()) == e.getValue()));
    }

    @Test
    void a_function_dropped_by_hand_in_one_tenant_is_restored_there_and_only_there() throws Exception {
        String platform = platformWithTenants(3);
        String touched = platform + "_tenant_c2";
        Pg.execute(touched, "DROP FUNCTION greet(varchar)");

        JsonNode job = migrateAll(platform);

        Map<String, String> status = byDatabase(job, "status");
        assertThat(status.get(touched)).isEqualTo("completed");
        assertThat(byDatabase(job, "functions_updated").get(touched)).isEqualTo("1");
        assertThat(byDatabase(job, "unchanged").get(touched)).isEqualTo("false");
        assertThat(status.get(platform + "_tenant_c1")).isEqualTo("completed");
        assertThat(byDatabase(job, "unchanged").get(platform + "_tenant_c1")).isEqualTo("true");
        assertThat(Pg.scalar(touched, "SELECT greet('x')")).isEqualTo("hello x");
    }

    @Test
    void a_function_created_again_by_hand_is_checked_once_in_its_database_then_known_again() throws Exception {
        String platform = platformWithTenants(3);
        String touched = platform + "_tenant_c1";
        String definition = Pg.scalar(touched, "SELECT pg_get_functiondef('greet(varchar)'::regprocedure)");
        String owner = Pg.scalar(touched, "SELECT proowner::regrole FROM pg_proc WHERE oid = 'greet(varchar)'::regprocedure");
        Pg.execute(touched, "DROP FUNCTION greet(varchar); " + definition + "; ALTER FUNCTION greet(varchar) OWNER TO "
                + owner);
        long first = sessions(touched);

        JsonNode job = migrateAll(platform);

        assertThat(byDatabase(job, "unchanged").get(touched)).isEqualTo("true");
        awaitSessionsAbove(touched, first);
        long second = sessions(touched);

        assertThat(byDatabase(migrateAll(platform), "unchanged").get(touched)).isEqualTo("true");
        Await.holds("no session in " + touched + " the second time", Duration.ofMillis(300),
                () -> sessions(touched) == second);
    }

    @Test
    void force_checks_every_database_for_real() throws Exception {
        String platform = platformWithTenants(2);
        String other = platform + "_tenant_c1";
        long before = sessions(other);

        JsonNode job = finished(http, FleetJobTest.startJob(http, Map.of("platform", platform, "schema_name", "tenant",
                "force", true)));

        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("completed");
        awaitSessionsAbove(other, before);
    }
}
