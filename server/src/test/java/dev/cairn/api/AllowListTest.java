package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Http;
import dev.cairn.testing.TestGateway;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ALLOWED_NETWORKS by socket peer; X-Forwarded-For only from TRUSTED_PROXIES. */
class AllowListTest {

    @Test
    void a_peer_outside_the_allowed_networks_is_refused_but_health_stays_open() {
        try (TestGateway g = TestGateway.start(Map.of("ALLOWED_NETWORKS", "10.0.0.0/8"))) {
            Http.Answer call = g.http().postJson("/call", Map.of("platform", "x", "function", "f"));
            assertThat(call.status()).isEqualTo(403);
            assertThat(call.body().get("error").asText()).isEqualTo("forbidden");
            assertThat(call.body().get("client").asText()).isEqualTo("127.0.0.1");
            assertThat(g.http().get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void x_forwarded_for_from_an_untrusted_peer_is_ignored() {
        try (TestGateway g = TestGateway.start(Map.of("ALLOWED_NETWORKS", "10.0.0.0/8"))) {
            Http.Answer spoofed = g.http().get("/no-route", "X-Forwarded-For", "10.1.2.3");
            assertThat(spoofed.status()).isEqualTo(403);
        }
    }

    @Test
    void x_forwarded_for_from_a_trusted_proxy_names_the_client() {
        try (TestGateway g = TestGateway.start(Map.of("ALLOWED_NETWORKS", "10.0.0.0/8",
                "TRUSTED_PROXIES", "127.0.0.1/32"))) {
            Http.Answer allowed = g.http().get("/no-route", "X-Forwarded-For", "10.1.2.3");
            assertThat(allowed.status()).isEqualTo(404);
            // The client wrote the left entry; the proxy appended the right one, which is what counts.
            Http.Answer chained = g.http().get("/no-route", "X-Forwarded-For", "10.9.9.9, 172.16.0.5");
            assertThat(chained.status()).isEqualTo(403);
            assertThat(chained.body().get("client").asText()).isEqualTo("172.16.0.5");
            Http.Answer garbage = g.http().get("/no-route", "X-Forwarded-For", "not-an-ip");
            assertThat(garbage.status()).isEqualTo(403);
        }
    }

    @Test
    void health_can_be_closed_too() {
        try (TestGateway g = TestGateway.start(Map.of("ALLOWED_NETWORKS", "10.0.0.0/8", "HEALTH_PUBLIC", "false"))) {
            assertThat(g.http().get("/health").status()).isEqualTo(403);
        }
    }

    @Test
    void ipv6_networks_match_ipv6_peers_and_mapped_ipv4_peers_match_ipv4_networks() {
        try (TestGateway g = TestGateway.start(Map.of("GATEWAY_HOST", "::", "ALLOWED_NETWORKS", "::1/128"))) {
            Http v6 = new Http(g.port(), "[::1]");
            Http v4 = g.http();
            assertThat(v6.get("/no-route").status()).isEqualTo(404);
            Http.Answer refused = v4.get("/no-route");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body().get("client").asText()).isEqualTo("127.0.0.1");
        }
        try (TestGateway g = TestGateway.start(Map.of("GATEWAY_HOST", "::", "ALLOWED_NETWORKS", "127.0.0.0/8"))) {
            assertThat(g.http().get("/no-route").status()).isEqualTo(404);
            assertThat(new Http(g.port(), "[::1]").get("/no-route").status()).isEqualTo(403);
        }
    }
}
