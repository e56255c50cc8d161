package dev.cairn.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A realm member's mesh connection in a test: frames by type, and the ones not asked for yet kept. */
final class Member implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    final String memberId;
    final String realmId;
    final WsClient ws;
    private final List<JsonNode> unread = new ArrayList<>();

    private Member(String memberId, String realmId, WsClient ws) {
        this.memberId = memberId;
        this.realmId = realmId;
        this.ws = ws;
    }

    static Member connect(int port, String token, String memberId, String realmId) {
        return new Member(memberId, realmId, WsClient.open(port, "/gateway", "?token=" + token, true, List.of()));
    }

    void send(String type, Map<String, Object> payload) {
        ws.send(Map.of("type", type, "payload", payload));
    }

    /** Handshakes as itself, offering these services (under the capability) and agent capabilities. */
    JsonNode handshake(String capability, List<String> services, List<String> agents) {
        List<Map<String, Object>> offered = services.stream()
                .<Map<String, Object>>map(s -> Map.of("name", s, "capability", capability)).toList();
        send("member-handshake", Map.of("memberId", memberId, "realmId", realmId, "capabilities",
                Map.of("provides", Map.of("services", offered, "agents", agents, "events", List.of()), "requires", List.of())));
        JsonNode ack = await("member-handshake-ack");
        assertThat(ack.path("payload").path("status").asText()).isEqualTo("connected");
        return ack;
    }

    /** The next frame of this type (others are kept for later). */
    JsonNode await(String type) {
        return await(type, WAIT);
    }

    JsonNode await(String type, Duration timeout) {
        for (int i = 0; i < unread.size(); i++) {
            if (unread.get(i).path("type").asText().equals(type)) {
                return unread.remove(i);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(memberId + ": no " + type + " within " + timeout + "; unread: " + unread);
            }
            JsonNode frame = ws.next(Duration.ofNanos(left));
            if (frame.path("type").asText().equals(type)) {
                return frame;
            }
            if (!frame.path("type").asText().equals("ping")) {
                unread.add(frame);
            }
        }
    }

    /** Whether a frame of this type arrives within the time (consumed when it does). */
    boolean receives(String type, Duration within) {
        try {
            await(type, within);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    JsonNode call(String requestId, String capability, String service, Object input, long timeout) {
        send("service-call", Map.of("requestId", requestId, "capability", capability, "serviceName", service,
                "input", input, "timeout", timeout));
        while (true) {
            JsonNode response = await("service-response");
            if (response.path("payload").path("requestId").asText().equals(requestId)) {
                return response.path("payload");
            }
        }
    }

    /** Answers the next service request with what {@code answer} makes of its input. */
    JsonNode serveOne(java.util.function.Function<JsonNode, Object> answer) {
        JsonNode request = await("service-request").path("payload");
        send("service-response", Map.of("requestId", request.path("requestId").asText(),
                "result", answer.apply(request.path("input"))));
        return request;
    }

    /** The code the gateway closed the connection with (fails after {@code timeout}). */
    int closeCode(Duration timeout) {
        return ws.closeCode(timeout);
    }

    @Override
    public void close() {
        ws.close();
    }
}
