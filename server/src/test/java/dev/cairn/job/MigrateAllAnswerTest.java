package dev.cairn.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import dev.cairn.testing.TestGateway;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How {@code POST /v2/migrate-all} answers: the finished job (200) when it ends within
 * {@code MIGRATE_ALL_SYNC_SECS}, which gateway-client 3.x requires; else, with
 * {@code Prefer: respond-async}, or right after an interrupted job (the StoneScript CLI re-initiates
 * then and expects 202), the job's id (202) to poll. Per-database results say {@code completed} for
 * every database at the target, with {@code unchanged} apart, and carry their error as a sentence.
 */
class MigrateAllAnswerTest {

    private static final int DEPLOY_LOCK = 0x43A10004;
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();

    /** The base schema with another body for {@code greet}: one function to replace per database. */
    private static Schema greetingChanged() {
        return Schema.base().put("functions/greet.pssql", """
                CREATE FUNCTION greet(p_name VARCHAR(100)) RETURNS text LANGUAGE sql IMMUTABLE
                AS $$ SELECT 'hi ' || p_name $$;""");
    }

    private static Map<String, Object> tenants(String platform) {
        return Map.of("platform", platform, "schema_name", "tenant");
    }

    @Test
    void a_small_fleet_gets_the_finished_job_at_once_with_the_body_polling_would_give() {
        String platform = FleetJobTest.platformWithTenants(gateway.http(), gateway.platform(), 3);
        assertThat(FleetJobTest.upload(http, platform, "tenant", greetingChanged()).status()).isEqualTo(200);

        Http.Answer sync = http.postJson("/v2/migrate-all", tenants(platform));

        assertThat(sync.status()).as(sync.toString()).isEqualTo(200);
        JsonNode job = sync.body();
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("total_databases").asInt()).isEqualTo(3);
        assertThat(job.get("succeeded").asInt()).isEqualTo(3);
        assertThat(job.get("changed").asInt()).isEqualTo(3);
        assertThat(job.get("results")).hasSize(3).allSatisfy(r -> {
            assertThat(r.get("status").asText()).isEqualTo("completed");
            assertThat(r.get("unchanged").asBoolean()).isFalse();
            assertThat(r.get("functions_updated").asInt()).isEqualTo(1);
        });
        Http.Answer polled = http.get("/v2/migrate-all/" + job.get("job_id").asText());
        assertThat(polled.body()).isEqualTo(job);
        assertThat(Pg.scalar(platform + "_tenant_c2", "SELECT greet('x')")).isEqualTo("hi x");

        JsonNode again = http.postJson("/v2/migrate-all", tenants(platform)).body();
        assertThat(again.get("status").asText()).isEqualTo("completed");
        assertThat(again.get("succeeded").asInt()).isEqualTo(3);
        assertThat(again.get("unchanged").asInt()).isEqualTo(3);
        assertThat(again.get("changed").asInt()).isZero();
        assertThat(again.get("results")).allSatisfy(r -> {
            assertThat(r.get("status").asText()).isEqualTo("completed");
            assertThat(r.get("unchanged").asBoolean()).isTrue();
            assertThat(r.get("error").isNull()).isTrue();
            assertThat(r.get("problem").isNull()).isTrue();
        });
    }

    @Test
    void prefer_respond_async_gets_the_job_id_at_once_among_other_preferences() throws Exception {
        String platform = FleetJobTest.platformWithTenants(gateway.http(), gateway.platform(), 1);

        Http.Answer a = http.postJson("/v2/migrate-all", tenants(platform), "Prefer", "return=minimal, Respond-Async");

        assertThat(a.status()).as(a.toString()).isEqualTo(202);
        assertThat(a.header("Preference-Applied")).isEqualTo("respond-async");
        assertThat(a.body().get("total_databases").asInt()).isEqualTo(1);
        assertThat(FleetJobTest.finished(http, a.body().get("job_id").asText()).get("status").asText())
                .isEqualTo("completed");
        Http.Answer plain = http.postJson("/v2/migrate-all", tenants(platform), "Prefer", "return=minimal");
        assertThat(plain.status()).as(plain.toString()).isEqualTo(200);
    }

    @Test
    void a_job_that_outlasts_the_bound_is_answered_with_its_id_and_polled_to_the_end() throws Exception {
        try (TestGateway quick = TestGateway.start(Map.of("MIGRATE_ALL_SYNC_SECS", "1"))) {
            String platform = FleetJobTest.platformWithTenants(quick.http(), quick.platform(), 2);
            assertThat(FleetJobTest.upload(quick.http(), platform, "tenant", greetingChanged()).status()).isEqualTo(200);
            Http.Answer started;
            // the canary's deploy lock is held, so the job cannot end within the bound
            try (Connection held = Pg.connect(platform + "_tenant_c0"); Statement st = held.createStatement()) {
                st.execute("SELECT pg_advisory_lock(" + DEPLOY_LOCK + ", hashtext(''))");
                started = quick.http().postJson("/v2/migrate-all", tenants(platform));
                assertThat(started.status()).as(started.toString()).isEqualTo(202);
                assertThat(started.header("Preference-Applied")).isEmpty();
                assertThat(started.body().get("status").asText()).isEqualTo("running");
                st.execute("SELECT pg_advisory_unlock_all()");
            }
            JsonNode done = FleetJobTest.finished(quick.http(), started.body().get("job_id").asText());
            assertThat(done.get("status").asText()).isEqualTo("completed");
            assertThat(done.get("changed").asInt()).isEqualTo(2);
        }
    }

    @Test
    void after_an_interrupted_job_the_next_start_is_answered_with_its_id_as_the_cli_expects() throws Exception {
        String platform = FleetJobTest.platformWithTenants(gateway.http(), gateway.platform(), 1);
        String first = http.postJson("/v2/migrate-all", tenants(platform)).body().get("job_id").asText();
        // what a gateway killed in the middle of the job leaves, once the next process has looked at it
        Pg.execute(gateway.controlDatabase(), "UPDATE jobs SET status = 'interrupted' WHERE id = '" + first + "'");

        Http.Answer restarted = http.postJson("/v2/migrate-all", tenants(platform));

        assertThat(restarted.status()).as(restarted.toString()).isEqualTo(202);
        String second = restarted.body().get("job_id").asText();
        assertThat(second).isNotEqualTo(first);
        assertThat(FleetJobTest.finished(http, second).get("status").asText()).isEqualTo("completed");
        assertThat(http.postJson("/v2/migrate-all", tenants(platform)).status()).isEqualTo(200);
    }

    @Test
    void a_blocked_fleet_carries_the_refused_plan_at_the_top_and_a_sentence_for_each_database() {
        String platform = FleetJobTest.platformWithTenants(gateway.http(), gateway.platform(), 3);
        Schema withoutTags = Schema.base().put("tables/accounts.pssql", """
                CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, active BOOL DEFAULT true,
                    score NUMERIC(10,2), kind mood);""");
        assertThat(FleetJobTest.upload(http, platform, "tenant", withoutTags).status()).isEqualTo(200);

        Http.Answer a = http.postJson("/v2/migrate-all", Map.of("platform", platform, "schema_name", "tenant",
                "on_error", "stop"));

        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        JsonNode job = a.body();
        assertThat(job.get("status").asText()).isEqualTo("failed");
        assertThat(job.get("failed").asInt()).isEqualTo(1);
        assertThat(job.get("skipped").asInt()).isEqualTo(2);
        assertThat(job.get("schema_validation").get("dataloss_changes")).hasSize(1);
        assertThat(job.get("schema_validation").get("dataloss_changes").get(0).get("column").asText())
                .isEqualTo("tags");
        JsonNode canary = job.get("results").get(0);
        assertThat(canary.get("status").asText()).isEqualTo("failed");
        assertThat(canary.get("error").isTextual()).as(canary.toString()).isTrue();
        assertThat(canary.get("error").asText()).contains("tags");
        assertThat(canary.get("problem").get("error").asText()).isEqualTo("schema_change_blocked");
        assertThat(canary.get("problem").get("blocked")).isNotEmpty();
        assertThat(canary.get("schema_validation").get("dataloss_changes")).hasSize(1);
        assertThat(job.get("results").get(1).get("status").asText()).isEqualTo("skipped");
        assertThat(job.get("results").get(1).get("error").isTextual()).isTrue();
        assertThat(job.get("results").get(1).get("error").asText()).isNotBlank();
        for (int i = 0; i < 3; i++) {
            assertThat(Pg.columns(platform + "_tenant_c" + i, "accounts")).contains("tags");
        }
    }
}
