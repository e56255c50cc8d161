package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.TestGateway;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every answer is JSON, including the ones frameworks usually answer in plain text. */
class HttpSurfaceTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();

    @Test
    void health_reports_the_live_number_of_server_sessions() throws Exception {
        String app = "cairn_health_" + TestGateway.randomHex();
        try (TestGateway g = TestGateway.start(Map.of("APPLICATION_NAME", app))) {
            Http.Answer a = g.http().get("/health");
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body().get("status").asText()).isEqualTo("healthy");
            assertThat(a.body().get("postgres_connected").asBoolean()).isTrue();
            assertThat(a.body().get("active_pools").asInt()).isPositive();
            assertThat(a.body().get("max_connections").asInt()).isEqualTo(20);
            assertThat(a.body().has("uptime_seconds")).isTrue();
            assertThat(a.body().has("version")).isTrue();
            int reported = a.body().get("total_connections").asInt();
            String sessions = dev.cairn.testing.Pg.scalar("postgres",
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", app);
            assertThat(reported).isPositive().isEqualTo(Integer.parseInt(sessions));
        }
    }

    @Test
    void malformed_json_is_a_json_400() {
        Http.Answer a = http.postJson("/call", "{\"platform\": ");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("error").asText()).isEqualTo("invalid_request");
        assertThat(a.body().get("message").asText()).startsWith("malformed JSON");
    }

    @Test
    void a_json_body_that_is_not_an_object_is_a_400() {
        Http.Answer a = http.postJson("/call", "[1,2]");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void a_wrong_content_type_is_a_json_415() {
        Http.Answer a = http.postRaw("/call", "text/plain", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(a.status()).isEqualTo(415);
        assertThat(a.body().get("error").asText()).isEqualTo("unsupported_media_type");
        Http.Answer form = http.postRaw("/register", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(form.status()).isEqualTo(415);
    }

    @Test
    void an_unknown_route_is_a_json_404_and_a_wrong_method_a_json_405() {
        Http.Answer missing = http.get("/no/such/route");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().get("error").asText()).isEqualTo("not_found");

        Http.Answer wrongMethod = http.get("/call");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.body().get("error").asText()).isEqualTo("method_not_allowed");
        assertThat(wrongMethod.header("allow")).isEqualTo("POST");
    }

    @Test
    void a_missing_field_is_a_400_naming_it() {
        Http.Answer a = http.postJson("/call", Map.of("platform", "x"));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("field").asText()).isEqualTo("function");
    }

    @Test
    void the_request_id_is_echoed_when_sane_and_made_up_otherwise() {
        assertThat(http.get("/health", "x-request-id", "abc-123").header("x-request-id")).isEqualTo("abc-123");
        String made = http.get("/health", "x-request-id", "bad id with spaces").header("x-request-id");
        assertThat(made).isNotEqualTo("bad id with spaces").matches("[0-9a-f]{16}");
        Http.Answer error = http.get("/nope", "x-request-id", "trace-1");
        assertThat(error.body().get("request_id").asText()).isEqualTo("trace-1");
    }

    @Test
    void admin_routes_need_the_bearer_token() {
        Http.Answer none = http.get("/admin/databases?platform=x");
        Http.Answer wrong = http.get("/admin/databases?platform=x", "Authorization", "Bearer nope");
        Http.Answer right = http.get("/admin/databases?platform=x", "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body().get("error").asText()).isEqualTo("unauthorized");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(right.status()).isEqualTo(404);
        assertThat(right.body().get("error").asText()).isEqualTo("platform_not_found");
    }

    @Test
    void without_an_admin_token_configured_admin_routes_answer_503() {
        try (TestGateway noAdmin = TestGateway.start(Map.of("ADMIN_TOKEN", ""))) {
            Http.Answer a = noAdmin.http().get("/admin/databases?platform=x", "Authorization", "Bearer anything");
            assertThat(a.status()).isEqualTo(503);
            assertThat(a.body().get("error").asText()).isEqualTo("admin_disabled");
        }
    }

    @Test
    void a_body_over_the_json_limit_is_a_413() {
        try (TestGateway small = TestGateway.start(Map.of("MAX_JSON_BYTES", "100"))) {
            Http.Answer a = small.http().postJson("/call", "{\"platform\":\"" + "x".repeat(200) + "\"}");
            assertThat(a.status()).isEqualTo(413);
            assertThat(a.body().get("error").asText()).isEqualTo("payload_too_large");
            assertThat(a.body().get("limit").asText()).isEqualTo("MAX_JSON_BYTES");
        }
    }
}
