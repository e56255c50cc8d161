package dev.cairn.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.ClassGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A loop with three agents, one of which never answers: recruitment, execution under its deadline,
 * and the result with two responses, one failure and the summary; and a loop that cannot find
 * enough participants.
 */
class LoopTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(Map.of("REALM_TOKEN_SECRET", "l".repeat(40)));

    @Test
    void threeAgentsOneTimesOut() {
        Realms realms = new Realms(gateway.http());
        realms.siblings("buyers", "sellers", "pricing", List.of("loop"));
        String initiatorToken = realms.member("buyers", "buyer", "consumer");
        List<Member> agents = new ArrayList<>();
        try (Member buyer = Member.connect(gateway.port(), initiatorToken, realms.memberId("buyers", "buyer"), realms.id("buyers"))) {
            for (String name : List.of("a1", "a2", "a3")) {
                String token = realms.member("sellers", name, "agent-runtime");
                Member agent = Member.connect(gateway.port(), token, realms.memberId("sellers", name), realms.id("sellers"));
                agent.handshake("pricing", List.of(), List.of("pricing"));
                agents.add(agent);
            }
            buyer.handshake("pricing", List.of(), List.of());
            buyer.send("loop-initiate", Map.of("loopId", realms.run + "-loop", "capability", "pricing", "loopName",
                    "price-check", "input", Map.of("item", "widget"), "options",
                    Map.of("recruitmentTimeout", 3000, "executionTimeout", 800, "minParticipants", 2)));
            for (Member agent : agents) {
                JsonNode recruit = agent.await("loop-recruitment").path("payload");
                assertThat(recruit.path("initiator").asText()).isEqualTo(realms.memberId("buyers", "buyer"));
                assertThat(recruit.path("recruitmentMessage").path("item").asText()).isEqualTo("widget");
                agent.send("loop-recruitment-response", Map.of("loopId", realms.run + "-loop",
                        "agentId", agent.memberId, "accepts", true, "bid", 1));
            }
            JsonNode recruited = buyer.await("loop-recruitment-complete").path("payload");
            assertThat(recruited.path("participantCount").asInt()).isEqualTo(3);
            long started = System.nanoTime();
            for (int i = 0; i < agents.size(); i++) {
                Member agent = agents.get(i);
                JsonNode execute = agent.await("loop-execute").path("payload");
                assertThat(execute.path("agentId").asText()).isEqualTo(agent.memberId);
                assertThat(execute.path("otherParticipants").size()).isEqualTo(2);
                if (i < 2) { // the third never answers
                    agent.send("loop-execute-response", Map.of("loopId", realms.run + "-loop", "agentId", agent.memberId,
                            "result", Map.of("price", 10 + i * 10)));
                }
            }
            JsonNode done = buyer.await("loop-complete").path("payload").path("result");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(tookMillis).as("the execution deadline ends the loop").isBetween(500L, 5000L);
            assertThat(done.path("responses").size()).isEqualTo(2);
            assertThat(done.path("failed").size()).isEqualTo(1);
            assertThat(done.path("failed").get(0).path("agentId").asText()).isEqualTo(agents.get(2).memberId);
            assertThat(done.path("failed").get(0).path("reason").asText()).isEqualTo("TIMEOUT");
            assertThat(done.path("summary").path("min").asDouble()).isEqualTo(10.0);
            assertThat(done.path("summary").path("max").asDouble()).isEqualTo(20.0);
            assertThat(done.path("summary").path("avg").asDouble()).isEqualTo(15.0);
            // An answer after the deadline changes nothing, and the agents hear the loop is over.
            agents.get(2).send("loop-execute-response", Map.of("loopId", realms.run + "-loop", "result", Map.of("price", 1)));
            assertThat(agents.get(0).await("loop-complete").path("payload").path("loopId").asText()).isEqualTo(realms.run + "-loop");
        } finally {
            agents.forEach(Member::close);
        }
    }

    @Test
    void tooFewParticipantsFailsTheLoopAndPolicyDecidesWhoIsRecruited() {
        Realms realms = new Realms(gateway.http());
        realms.realm("root", null, List.of());
        realms.realm("buyers", "root", List.of());
        realms.realm("closed", "root", List.of()); // no policy: buyers may not recruit here
        String initiatorToken = realms.member("buyers", "buyer", "consumer");
        String agentToken = realms.member("closed", "agent", "agent-runtime");
        try (Member buyer = Member.connect(gateway.port(), initiatorToken, realms.memberId("buyers", "buyer"), realms.id("buyers"));
             Member agent = Member.connect(gateway.port(), agentToken, realms.memberId("closed", "agent"), realms.id("closed"))) {
            agent.handshake("pricing", List.of(), List.of("pricing"));
            buyer.handshake("pricing", List.of(), List.of());
            buyer.send("loop-initiate", Map.of("loopId", realms.run + "-l2", "capability", "pricing",
                    "input", Map.of(), "options", Map.of("recruitmentTimeout", 300, "minParticipants", 1)));
            JsonNode failed = buyer.await("loop-failed").path("payload");
            assertThat(failed.path("reason").asText()).isEqualTo("Insufficient participants");
            assertThat(failed.path("required").asInt()).isEqualTo(1);
            assertThat(failed.path("actual").asInt()).isEqualTo(0);
            assertThat(agent.receives("loop-recruitment", java.time.Duration.ofMillis(300))).isFalse();
        }
    }
}
