package dev.cairn.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.TestNats;
import dev.cairn.testing.WsClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The seed's cross-realm ping-pong on one gateway: realms root, alpha and beta; beta lets alpha call
 * its pong service and subscribe to its events, nothing else is allowed. Members connect with the
 * tokens their API keys are exchanged for.
 */
class MeshTest {

    static final String CAPABILITY = "ping-pong";

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(Map.of("NATS_URL", TestNats.url(),
            "CONSOLE_API_KEY", "console-key-0123456789", "REALM_TOKEN_SECRET", "s".repeat(40),
            "CREDENTIALS_RECHECK_SECS", "1"));
    static final Http http = gateway.http();
    static Realms realms;
    static String pingToken;
    static String pongToken;

    @BeforeAll
    static void seed() {
        realms = new Realms(http);
        realms.siblings("alpha", "beta", "ping-*", List.of("call", "subscribe"));
        pingToken = realms.member("alpha", "ping", "consumer");
        pongToken = realms.member("beta", "pong", "provider");
    }

    private Member ping() {
        return Member.connect(gateway.port(), pingToken, realms.memberId("alpha", "ping"), realms.id("alpha"));
    }

    private Member pong() {
        return Member.connect(gateway.port(), pongToken, realms.memberId("beta", "pong"), realms.id("beta"));
    }

    @Test
    void aMemberDeletedWhileConnectedIsDisconnected() {
        String token = realms.member("alpha", "leaving", "consumer");
        String memberId = realms.memberId("alpha", "leaving");
        try (Member leaving = Member.connect(gateway.port(), token, memberId, realms.id("alpha"));
             Member staying = ping()) {
            leaving.handshake(CAPABILITY, List.of(), List.of());
            staying.handshake(CAPABILITY, List.of(), List.of());
            Http.Answer deleted = http.json("DELETE", "/api/members/" + memberId.replace("/", "%2F"), null,
                    "Authorization", Realms.ADMIN);
            assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
            assertThat(leaving.closeCode(Member.WAIT)).as("its token names a member that is gone").isEqualTo(4001);
            staying.send("ping", Map.of());
            assertThat(staying.receives("pong", Member.WAIT)).as("the other member's connection goes on").isTrue();
        }
    }

    @Test
    void alphaCallsBetasPongWhenThePolicyAllowsIt() {
        try (Member pong = pong(); Member ping = ping()) {
            JsonNode pongAck = pong.handshake(CAPABILITY, List.of("pong"), List.of());
            assertThat(pongAck.path("payload").path("policies").toString()).isEqualTo("[\"" + realms.run + "-beta-inbound\"]");
            assertThat(pongAck.path("payload").path("realmId").asText()).isEqualTo(realms.id("beta"));
            JsonNode ack = ping.handshake(CAPABILITY, List.of("ping"), List.of());
            assertThat(ack.path("payload").path("directory").path("availableServices").path(CAPABILITY).toString())
                    .contains("pong");
            Thread.ofVirtual().start(() -> pong.serveOne(input -> Map.of("pong", input.path("n").asInt() + 1)));
            JsonNode answer = ping.call("r1", CAPABILITY, "pong", Map.of("n", 41), 5000);
            assertThat(answer.path("result").path("pong").asInt()).as(answer.toString()).isEqualTo(42);
            assertThat(answer.has("error")).isFalse();
        }
    }

    @Test
    void betaMayNotCallAlpha() {
        try (Member pong = pong(); Member ping = ping()) {
            ping.handshake(CAPABILITY, List.of("ping"), List.of());
            pong.handshake(CAPABILITY, List.of("pong"), List.of());
            JsonNode answer = pong.call("r2", CAPABILITY, "ping", Map.of(), 5000);
            assertThat(answer.path("error").path("code").asText()).as(answer.toString()).isEqualTo("POLICY_DENIED");
            assertThat(ping.receives("service-request", Duration.ofMillis(300))).isFalse();
        }
    }

    @Test
    void unknownServicesSlowProvidersAndDepartedOnesAreTheirErrors() {
        try (Member ping = ping()) {
            ping.handshake(CAPABILITY, List.of(), List.of());
            assertThat(ping.call("r3", CAPABILITY, "nobody", Map.of(), 5000).path("error").path("code").asText())
                    .isEqualTo("SERVICE_NOT_FOUND");
            try (Member pong = pong()) {
                pong.handshake(CAPABILITY, List.of("slow-pong"), List.of());
                JsonNode late = ping.call("r4", CAPABILITY, "slow-pong", Map.of(), 300);
                assertThat(late.path("error").path("code").asText()).as(late.toString()).isEqualTo("TIMEOUT");
                pong.await("service-request"); // it did get the request; its answer would come too late
            }
            awaitCode(ping, "slow-pong", "TARGET_OFFLINE");
            JsonNode offline = ping.call("r5", CAPABILITY, "slow-pong", Map.of(), 300);
            assertThat(offline.path("error").path("code").asText()).isEqualTo("TARGET_OFFLINE");
            assertThat(offline.path("error").path("message").asText()).contains("are offline");
        }
    }

    /** Calls until the answer has this code (a departure takes the socket's close to arrive). */
    private static JsonNode awaitCode(Member caller, String service, String code) {
        JsonNode last = null;
        for (int i = 0; i < 50; i++) {
            last = caller.call("w" + i, CAPABILITY, service, Map.of(), 300);
            if (last.path("error").path("code").asText().equals(code)) {
                return last;
            }
            sleep(100);
        }
        throw new AssertionError("never " + code + ": " + last);
    }

    @Test
    void aMemberForgingAnotherRealmInItsHandshakeIsRefused() {
        try (Member ping = ping()) {
            ping.send("member-handshake", Map.of("memberId", realms.memberId("alpha", "ping"), "realmId", realms.id("beta"),
                    "capabilities", Map.of()));
            JsonNode error = ping.await("error");
            assertThat(error.path("payload").path("error").path("code").asText()).isEqualTo("POLICY_DENIED");
            assertThat(ping.ws.closeCode(Duration.ofSeconds(5))).isEqualTo(4003);
        }
        try (Member ping = ping()) { // nor another member of its own realm
            ping.send("member-handshake", Map.of("memberId", realms.memberId("alpha", "someone-else"), "capabilities", Map.of()));
            assertThat(ping.ws.closeCode(Duration.ofSeconds(5))).isEqualTo(4003);
        }
    }

    @Test
    void aMissingOrBadTokenClosesWith4001() {
        try (WsClient none = WsClient.open(gateway.port(), "/gateway", "", true, List.of())) {
            assertThat(none.closeCode(Duration.ofSeconds(5))).isEqualTo(4001);
        }
        try (WsClient bad = WsClient.open(gateway.port(), "/gateway", "?token=not.a.jwt", true, List.of())) {
            assertThat(bad.closeCode(Duration.ofSeconds(5))).isEqualTo(4001);
        }
        String forged = pingToken.substring(0, pingToken.lastIndexOf('.') + 1) + "AAAA";
        try (WsClient bad = WsClient.open(gateway.port(), "/gateway", "?token=" + forged, true, List.of())) {
            assertThat(bad.closeCode(Duration.ofSeconds(5))).isEqualTo(4001);
        }
    }

    @Test
    void eventsReachSubscribersWhoseRealmThePolicyLetsReceiveThem() {
        String gammaToken = realms.member("root", "gamma", "consumer"); // root is not allowed by beta's policy
        try (Member pong = pong(); Member ping = ping();
             Member gamma = Member.connect(gateway.port(), gammaToken, realms.memberId("root", "gamma"), realms.id("root"))) {
            pong.handshake(CAPABILITY, List.of(), List.of());
            ping.handshake(CAPABILITY, List.of(), List.of());
            gamma.handshake(CAPABILITY, List.of(), List.of());
            for (Member m : List.of(ping, gamma)) {
                m.send("event-subscribe", Map.of("capability", CAPABILITY, "eventName", "scored", "topic", "games/*"));
                m.await("subscription-confirmed");
            }
            pong.send("event-publish", Map.of("capability", CAPABILITY, "eventName", "scored", "topic", "games/7",
                    "payload", Map.of("points", 3)));
            JsonNode event = ping.await("event").path("payload");
            assertThat(event.path("payload").path("points").asInt()).isEqualTo(3);
            assertThat(event.path("sourceMemberId").asText()).isEqualTo(realms.memberId("beta", "pong"));
            assertThat(event.path("sourceRealmId").asText()).isEqualTo(realms.id("beta"));
            assertThat(event.path("timestamp").asText()).isNotEmpty();
            assertThat(gamma.receives("event", Duration.ofMillis(500))).isFalse();
        }
    }

    @Test
    void tokensAreIssuedForMemberAndConsoleKeysOnly() {
        Http.Answer missing = http.postJson("/api/auth/token", Map.of());
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().path("success").asBoolean(true)).isFalse();
        Http.Answer wrong = http.postJson("/api/auth/token", Map.of("apiToken", "rm_nope"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().path("error").asText()).isEqualTo("unauthorized");
        JsonNode console = realms.ok(http.postJson("/api/auth/token", Map.of("apiToken", "console-key-0123456789")), 200);
        JsonNode verified = realms.ok(http.postJson("/api/auth/verify", Map.of(),
                "Authorization", "Bearer " + console.path("token").asText()), 200);
        assertThat(verified.path("payload").path("type").asText()).isEqualTo("console");
        JsonNode member = realms.ok(http.postJson("/api/auth/verify", Map.of(), "Authorization", "Bearer " + pingToken), 200);
        assertThat(member.path("payload").path("memberId").asText()).isEqualTo(realms.memberId("alpha", "ping"));
        assertThat(member.path("payload").path("realmId").asText()).isEqualTo(realms.id("alpha"));
        // The console token administers realms; a member's does not.
        assertThat(http.get("/api/realms", "Authorization", "Bearer " + console.path("token").asText()).status()).isEqualTo(200);
        assertThat(http.get("/api/realms", "Authorization", "Bearer " + pingToken).status()).isEqualTo(403);
        assertThat(http.postJson("/api/auth/verify", Map.of(), "Authorization", "Bearer x.y.z").status()).isEqualTo(401);
    }

    @Test
    void theMonitorIsForTheConsoleAndSeesTraffic() {
        try (WsClient anon = WsClient.open(gateway.port(), "/monitor", "", true, List.of())) {
            assertThat(anon.closeCode(Duration.ofSeconds(5))).isEqualTo(4001);
        }
        try (WsClient member = WsClient.open(gateway.port(), "/monitor", "?token=" + pingToken, true, List.of())) {
            assertThat(member.closeCode(Duration.ofSeconds(5))).isEqualTo(4003);
        }
        String console = realms.token("console-key-0123456789");
        try (WsClient monitor = WsClient.open(gateway.port(), "/monitor", "?token=" + console, true, List.of());
             Member ping = ping()) {
            assertThat(monitor.nextNonPing(Member.WAIT).path("type").asText()).isEqualTo("monitor-hello");
            ping.handshake(CAPABILITY, List.of(), List.of());
            JsonNode seen = monitor.nextNonPing(Member.WAIT);
            assertThat(seen.path("payload").path("kind").asText()).isEqualTo("connected");
            assertThat(seen.path("payload").path("memberId").asText()).isEqualTo(realms.memberId("alpha", "ping"));
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
