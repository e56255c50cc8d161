package dev.cairn.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Await;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.TestIdentityProvider;
import dev.cairn.testing.TestNats;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueEntry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sessions while the cache's NATS server is down (a private {@code nats-server} the test stops):
 * the control database answers, a logout still ends the session, and when NATS is back the cache
 * fills again by itself and learns the logout it missed.
 */
class SessionOutageTest {

    @Test
    void with_nats_down_the_database_answers_and_the_cache_comes_back_by_itself() throws Exception {
        try (TestIdentityProvider idp = TestIdentityProvider.start(); TestNats.Private nats = TestNats.Private.start()) {
            Map<String, String> env = new HashMap<>(idp.env());
            env.put("NATS_URL", nats.url());
            env.put("NATS_SESSION_BUCKET", "sessions_outage");
            try (TestGateway gateway = TestGateway.start(env)) {
                Http http = gateway.http();
                String kept = login(http, idp, "kept");
                String ended = login(http, idp, "ended");
                assertThat(valid(http, kept)).isTrue();

                nats.stop();
                Await.until("the gateway to see NATS gone", Duration.ofSeconds(10),
                        () -> !gateway.gateway().relayStatus().orElseThrow().connected());
                assertThat(valid(http, kept)).isTrue();
                assertThat(valid(http, ended)).isTrue();
                assertThat(http.postJson("/api/auth/logout", Map.of("session_token", ended)).body()
                        .path("logged_out").asBoolean()).isTrue();
                assertThat(valid(http, ended)).isFalse();
                String during = login(http, idp, "during"); // logins go on too
                assertThat(valid(http, during)).isTrue();

                nats.restart();
                Await.until("the gateway to reconnect", Duration.ofSeconds(20),
                        () -> gateway.gateway().relayStatus().orElseThrow().connected());
                assertThat(valid(http, ended)).isFalse();
                assertThat(valid(http, kept)).isTrue();
                try (Connection c = TestNats.connect(nats.url())) {
                    var kv = c.keyValue("sessions_outage");
                    Await.until("the cache to hold the session again and the missed logout", Duration.ofSeconds(10), () -> {
                        valid(http, kept);
                        return text(kv, hash(kept)).contains("\"user_id\":\"kept\"")
                                && text(kv, hash(ended)).equals("{\"revoked\":true}");
                    });
                }
            }
        }
    }

    @Test
    void without_an_identity_provider_logins_are_disabled_and_nothing_else_changes() {
        try (TestGateway gateway = TestGateway.start()) {
            Http.Answer a = gateway.http().postJson("/api/auth/login", Map.of("auth0_token", "x.y.z"));
            assertThat(a.status()).isEqualTo(503);
            assertThat(a.body().path("error").asText()).isEqualTo("sessions_disabled");
            assertThat(valid(gateway.http(), "cairn_st_unknown")).isFalse();
        }
    }

    private static String login(Http http, TestIdentityProvider idp, String user) {
        Http.Answer a = http.postJson("/api/auth/login", Map.of("auth0_token", idp.token(user, List.of("reader"))));
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.body().path("session_token").asText();
    }

    private static boolean valid(Http http, String token) {
        Http.Answer a = http.postJson("/api/auth/validate", Map.of("session_token", token));
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.body().path("valid").asBoolean();
    }

    private static String hash(String token) {
        return Pg.scalar("postgres", "SELECT encode(sha256(?::bytea), 'hex')", token);
    }

    private static String text(io.nats.client.KeyValue kv, String key) {
        try {
            KeyValueEntry e = kv.get(key);
            return e == null || e.getValue() == null ? "" : new String(e.getValue());
        } catch (Exception e) {
            return "";
        }
    }
}
