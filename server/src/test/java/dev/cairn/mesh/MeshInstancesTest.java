package dev.cairn.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.ChildGateway;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.TestNats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two gateway instances behave as one mesh: a member on one calls a provider on the other (NATS
 * request-reply), providers on both take calls in turn, a loop recruits across them, and a provider
 * that leaves is offline on the other instance within seconds.
 */
class MeshInstancesTest {

    static final String CAPABILITY = "ping-pong";
    static final Map<String, String> ENV = Map.of("NATS_URL", TestNats.url(), "REALM_TOKEN_SECRET", "i".repeat(40));

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(ENV);

    @Test
    void callsCrossInstancesAndDeparturesAreSeenEverywhere() throws Exception {
        Realms realms = new Realms(gateway.http());
        realms.siblings("alpha", "beta", "ping-*", List.of("call", "loop"));
        String pingToken = realms.member("alpha", "ping", "consumer");
        String pongOne = realms.member("beta", "pong-1", "provider");
        String pongTwo = realms.member("beta", "pong-2", "provider");
        try (TestGateway second = gateway.sibling(ENV);
             Member ping = Member.connect(gateway.port(), pingToken, realms.memberId("alpha", "ping"), realms.id("alpha"));
             Member remote = Member.connect(second.port(), pongOne, realms.memberId("beta", "pong-1"), realms.id("beta"))) {
            remote.handshake(CAPABILITY, List.of("pong"), List.of(CAPABILITY));
            ping.handshake(CAPABILITY, List.of(), List.of());
            awaitDirectory(ping, realms, "pong");
            Thread.ofVirtual().start(() -> remote.serveOne(input -> Map.of("from", "second", "n", input.path("n").asInt())));
            JsonNode answer = ping.call("x1", CAPABILITY, "pong", Map.of("n", 7), 5000);
            assertThat(answer.path("result").path("from").asText()).as(answer.toString()).isEqualTo("second");
            assertThat(answer.path("result").path("n").asInt()).isEqualTo(7);

            // A second provider, on the caller's instance: calls go to each in turn.
            try (Member local = Member.connect(gateway.port(), pongTwo, realms.memberId("beta", "pong-2"), realms.id("beta"))) {
                local.handshake(CAPABILITY, List.of("pong"), List.of());
                List<String> servedBy = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    String id = "t" + i;
                    ping.send("service-call", Map.of("requestId", id, "capability", CAPABILITY, "serviceName", "pong",
                            "input", Map.of(), "timeout", 5000));
                    Member provider = local.receives("service-request", Duration.ofMillis(1500)) ? local : remote;
                    if (provider == local) {
                        servedBy.add("local");
                    } else {
                        remote.await("service-request", Duration.ofSeconds(1)); // consumed; unanswered: times out harmlessly
                        servedBy.add("remote");
                    }
                }
                assertThat(servedBy).contains("local", "remote");
            }

            // The remote provider leaves: the caller's instance sees it offline within seconds.
            remote.close();
            long left = System.nanoTime();
            JsonNode offline = null;
            while (System.nanoTime() - left < Duration.ofSeconds(15).toNanos()) {
                offline = ping.call("o" + System.nanoTime(), CAPABILITY, "pong", Map.of(), 500);
                if (offline.path("error").path("code").asText().equals("TARGET_OFFLINE")) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(offline.path("error").path("code").asText()).as(offline.toString()).isEqualTo("TARGET_OFFLINE");
            assertThat((System.nanoTime() - left) / 1_000_000).as("offline everywhere within seconds").isLessThan(5000);
        }
    }

    @Test
    void aLoopRecruitsAndGathersAcrossInstances() throws Exception {
        Realms realms = new Realms(gateway.http());
        realms.siblings("buyers", "sellers", "pricing", List.of("loop"));
        String buyerToken = realms.member("buyers", "buyer", "consumer");
        String nearToken = realms.member("sellers", "near", "agent-runtime");
        String farToken = realms.member("sellers", "far", "agent-runtime");
        try (TestGateway second = gateway.sibling(ENV);
             Member buyer = Member.connect(gateway.port(), buyerToken, realms.memberId("buyers", "buyer"), realms.id("buyers"));
             Member near = Member.connect(gateway.port(), nearToken, realms.memberId("sellers", "near"), realms.id("sellers"));
             Member far = Member.connect(second.port(), farToken, realms.memberId("sellers", "far"), realms.id("sellers"))) {
            near.handshake("pricing", List.of(), List.of("pricing"));
            far.handshake("pricing", List.of(), List.of("pricing"));
            buyer.handshake("pricing", List.of(), List.of());
            String loopId = realms.run + "-x";
            for (int attempt = 0; ; attempt++) { // until the far agent's presence has reached the buyer's instance
                buyer.send("loop-initiate", Map.of("loopId", loopId + attempt, "capability", "pricing", "input", Map.of(),
                        "options", Map.of("recruitmentTimeout", 1000, "executionTimeout", 3000, "minParticipants", 2)));
                if (far.receives("loop-recruitment", Duration.ofMillis(1500))) {
                    loopId = loopId + attempt;
                    break;
                }
                assertThat(attempt).as("the far agent is never recruited").isLessThan(10);
            }
            // The near agent's recruitment for this loop (earlier attempts' frames are skipped by loop id).
            while (!near.await("loop-recruitment").path("payload").path("loopId").asText().equals(loopId)) {
                // an earlier attempt's
            }
            for (Member agent : List.of(near, far)) {
                agent.send("loop-recruitment-response", Map.of("loopId", loopId, "accepts", true));
            }
            while (!buyer.await("loop-recruitment-complete").path("payload").path("loopId").asText().equals(loopId)) {
                // an earlier attempt's
            }
            for (Member agent : List.of(near, far)) {
                JsonNode execute = agent.await("loop-execute").path("payload");
                agent.send("loop-execute-response", Map.of("loopId", execute.path("loopId").asText(),
                        "result", Map.of("value", agent == near ? 1 : 3)));
            }
            JsonNode done;
            do {
                done = buyer.await("loop-complete").path("payload");
            } while (!done.path("loopId").asText().equals(loopId));
            assertThat(done.path("result").path("responses").size()).as(done.toString()).isEqualTo(2);
            assertThat(done.path("result").path("summary").path("avg").asDouble()).isEqualTo(2.0);
            assertThat(done.path("result").path("failed").size()).isZero();
        }
    }

    @Test
    void aProviderWhoseInstanceDiesIsOfflineEverywhereWithinSeconds() throws Exception {
        Realms realms = new Realms(gateway.http());
        realms.siblings("alpha", "beta", "ping-*", List.of("call"));
        String pingToken = realms.member("alpha", "ping", "consumer");
        String pongToken = realms.member("beta", "pong", "provider");
        try (ChildGateway doomed = ChildGateway.start(gateway.controlDatabase(), ENV);
             Member ping = Member.connect(gateway.port(), pingToken, realms.memberId("alpha", "ping"), realms.id("alpha"));
             Member pong = Member.connect(doomed.port(), pongToken, realms.memberId("beta", "pong"), realms.id("beta"))) {
            pong.handshake(CAPABILITY, List.of("pong"), List.of());
            ping.handshake(CAPABILITY, List.of(), List.of());
            awaitDirectory(ping, realms, "pong");
            ping.send("service-call", Map.of("requestId", "in-flight", "capability", CAPABILITY, "serviceName", "pong",
                    "input", Map.of(), "timeout", 60_000));
            pong.await("service-request"); // it has the request, and never answers: its process dies
            doomed.kill();
            long killed = System.nanoTime();
            JsonNode inFlight = ping.await("service-response", Duration.ofSeconds(30)).path("payload");
            long tookMillis = (System.nanoTime() - killed) / 1_000_000;
            assertThat(inFlight.path("requestId").asText()).isEqualTo("in-flight");
            assertThat(inFlight.path("error").path("code").asText()).as(inFlight.toString()).isEqualTo("TARGET_OFFLINE");
            assertThat(tookMillis).as("the call in flight fails within seconds, not at its 60 s timeout")
                    .isLessThan(Presence.STALE.plus(Presence.HEARTBEAT).plusSeconds(2).toMillis());
            JsonNode next = ping.call("after", CAPABILITY, "pong", Map.of(), 1000);
            assertThat(next.path("error").path("code").asText()).isEqualTo("TARGET_OFFLINE");
        }
    }

    /** Waits until the other instance's provider shows in the caller's directory (presence travels over NATS). */
    private static void awaitDirectory(Member caller, Realms realms, String service) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            JsonNode answer = caller.call("probe" + i, CAPABILITY, "no-such-" + service, Map.of(), 200);
            if (answer.path("error").path("code").asText().equals("SERVICE_NOT_FOUND")) {
                caller.send("member-handshake", Map.of("memberId", caller.memberId, "capabilities", Map.of()));
                JsonNode ack = caller.await("member-handshake-ack");
                if (ack.path("payload").path("directory").path("availableServices").path(CAPABILITY).toString().contains(service)) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the other instance's provider never appeared");
    }
}
