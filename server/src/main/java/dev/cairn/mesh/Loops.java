package dev.cairn.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.policy.RealmRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Loops: an initiator recruits members that take part in a capability ({@code loop-recruitment}),
 * those that accept before the recruitment deadline execute it ({@code loop-execute}), and their
 * answers are gathered until all have answered or the execution deadline passes
 * ({@code loop-complete}, with the ones that did not answer as failed). The instance of the
 * initiator coordinates; participants on other instances get their frames through the {@link Bus},
 * and their instances send the replies back. A reply is taken only from a member the loop
 * recruited, under the identity of its connection, never the {@code agentId} it writes.
 */
final class Loops implements AutoCloseable {

    private static final long MAX_RECRUITMENT = 120_000;
    private static final long MAX_EXECUTION = 600_000;

    private final Mesh mesh;
    private final Map<String, Loop> loops = new ConcurrentHashMap<>();
    /** Loops coordinated elsewhere that a member of this instance was recruited for: loop id to instance. */
    private final Map<String, String> remote = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cairn-mesh-loops");
        t.setDaemon(true);
        return t;
    });

    Loops(Mesh mesh) {
        this.mesh = mesh;
    }

    private enum Phase { RECRUITING, EXECUTING, DONE }

    private final class Loop {
        final String id;
        final Mesh.Session initiator;
        final String capability;
        final String name;
        final JsonNode input;
        final long executionTimeout;
        final int minParticipants;
        final Set<String> recruited = new LinkedHashSet<>();
        final Set<String> answeredRecruitment = new LinkedHashSet<>();
        final Map<String, JsonNode> accepted = new LinkedHashMap<>();
        final Map<String, JsonNode> results = new LinkedHashMap<>();
        final Map<String, ObjectNode> failed = new LinkedHashMap<>();
        Phase phase = Phase.RECRUITING;
        ScheduledFuture<?> timer;

        Loop(String id, Mesh.Session initiator, String capability, String name, JsonNode input, long executionTimeout,
             int minParticipants) {
            this.id = id;
            this.initiator = initiator;
            this.capability = capability;
            this.name = name;
            this.input = input;
            this.executionTimeout = executionTimeout;
            this.minParticipants = minParticipants;
        }
    }

    void initiate(Mesh.Session initiator, JsonNode payload) {
        String id = Frames.text(payload, "loopId", 200);
        String capability = Frames.text(payload, "capability", 300);
        String name = Frames.optionalText(payload, "loopName", 300).orElse(capability);
        JsonNode options = payload.path("options");
        if (!options.isMissingNode() && !options.isNull() && !options.isObject()) {
            throw Frames.invalid("options", "an object {recruitmentTimeout, executionTimeout, minParticipants}");
        }
        long recruitment = Frames.millis(options, "recruitmentTimeout", 5_000, 10, MAX_RECRUITMENT);
        long execution = Frames.millis(options, "executionTimeout", 30_000, 10, MAX_EXECUTION);
        int min = (int) Frames.millis(options, "minParticipants", 1, 1, 1000);
        mesh.throttleLoop(initiator);
        JsonNode input = payload.path("input").isMissingNode() ? Frames.JSON.nullNode() : payload.path("input");
        Loop loop = new Loop(id, initiator, capability, name, input, execution, min);
        if (loops.putIfAbsent(id, loop) != null) {
            throw new CairnException(Problem.of(ErrorCode.ALREADY_EXISTS, "loop " + id + " is running already")
                    .with("field", "loopId"));
        }
        String deadline = Instant.now().plusMillis(recruitment).toString();
        synchronized (loop) {
            for (Presence.Entry e : mesh.presence.all()) {
                if (!mesh.presence.live(e) || e.memberId().equals(initiator.memberId()) || !e.offer().takesPartIn(capability)
                        || !mesh.allowed(initiator.member, initiator.realmId(), e.realmId(), capability, RealmRules.Operation.LOOP)) {
                    continue;
                }
                ObjectNode recruit = Frames.payload().put("loopId", id).put("loopName", name).put("capability", capability);
                recruit.set("recruitmentMessage", input);
                recruit.put("deadline", deadline).put("initiator", initiator.memberId())
                        .put("initiatorRealmId", initiator.realmId());
                if (mesh.deliver(e.memberId(), Frames.frame("loop-recruitment", recruit).toString(),
                        Optional.of(mesh.presence.instance()))) {
                    loop.recruited.add(e.memberId());
                }
            }
            mesh.observe("loop-initiate", Frames.payload().put("loopId", id).put("initiator", initiator.memberId())
                    .put("capability", capability).put("recruited", loop.recruited.size()));
            loop.timer = timers.schedule(() -> recruitmentOver(loop), recruitment, TimeUnit.MILLISECONDS);
            if (loop.recruited.isEmpty()) {
                loop.timer.cancel(false);
                timers.execute(() -> recruitmentOver(loop));
            }
        }
    }

    /** A reply from a member of this instance: handled here, or sent to the loop's coordinator. */
    void reply(String memberId, String realmId, String type, JsonNode payload) {
        String id = Frames.text(payload, "loopId", 200);
        if (loops.containsKey(id)) {
            handle(id, memberId, type, payload);
            return;
        }
        String coordinator = remote.get(id);
        if (coordinator == null) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "no running loop " + id + " recruited this member")
                    .with("field", "loopId"));
        }
        ObjectNode reply = Frames.payload().put("memberId", memberId).put("realmId", realmId).put("type", type);
        reply.set("payload", payload);
        mesh.bus.loopReply(coordinator, reply);
    }

    /** A reply another instance sent on for a loop coordinated here. */
    void replyHere(ObjectNode reply) {
        handle(reply.path("payload").path("loopId").asText(), reply.path("memberId").asText(),
                reply.path("type").asText(), reply.path("payload"));
    }

    /** Remembers which instance coordinates a loop whose recruitment passes through here to a member. */
    void remember(String frame, String coordinator) {
        try {
            JsonNode f = Frames.JSON.readTree(frame);
            if (f.path("type").asText().equals("loop-recruitment")) {
                String id = f.path("payload").path("loopId").asText();
                remote.put(id, coordinator);
                timers.schedule(() -> remote.remove(id, coordinator), MAX_RECRUITMENT + MAX_EXECUTION, TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            // not a frame this instance needs to remember anything of
        }
    }

    private void handle(String id, String memberId, String type, JsonNode payload) {
        Loop loop = loops.get(id);
        if (loop == null) {
            return;
        }
        synchronized (loop) {
            if (type.equals("loop-recruitment-response") && loop.phase == Phase.RECRUITING
                    && loop.recruited.contains(memberId) && loop.answeredRecruitment.add(memberId)) {
                if (payload.path("accepts").asBoolean(false)) {
                    loop.accepted.put(memberId, payload.path("bid"));
                }
                if (loop.answeredRecruitment.size() == loop.recruited.size()) {
                    loop.timer.cancel(false);
                    timers.execute(() -> recruitmentOver(loop));
                }
            } else if (type.equals("loop-execute-response") && loop.phase == Phase.EXECUTING
                    && loop.accepted.containsKey(memberId) && !loop.results.containsKey(memberId)
                    && !loop.failed.containsKey(memberId)) {
                if (payload.has("error") && !payload.path("error").isNull()) {
                    loop.failed.put(memberId, Frames.payload().put("agentId", memberId).put("reason", "ERROR")
                            .set("error", payload.path("error")));
                } else {
                    loop.results.put(memberId, payload.path("result"));
                }
                if (loop.results.size() + loop.failed.size() == loop.accepted.size()) {
                    loop.timer.cancel(false);
                    timers.execute(() -> complete(loop));
                }
            }
        }
    }

    private void recruitmentOver(Loop loop) {
        synchronized (loop) {
            if (loop.phase != Phase.RECRUITING) {
                return;
            }
            if (loop.accepted.size() < loop.minParticipants) {
                loop.phase = Phase.DONE;
                loops.remove(loop.id);
                ObjectNode failed = Frames.payload().put("loopId", loop.id).put("reason", "Insufficient participants")
                        .put("required", loop.minParticipants).put("actual", loop.accepted.size());
                Mesh.send(loop.initiator, "loop-failed", failed);
                mesh.observe("loop-failed", failed.deepCopy());
                return;
            }
            loop.phase = Phase.EXECUTING;
            List<String> participants = new ArrayList<>(loop.accepted.keySet());
            ObjectNode complete = Frames.payload().put("loopId", loop.id).put("participantCount", participants.size());
            ArrayNode list = complete.putArray("participants");
            loop.accepted.forEach((agent, bid) -> {
                ObjectNode p = list.addObject().put("agentId", agent);
                if (!bid.isMissingNode()) {
                    p.set("bid", bid);
                }
            });
            Mesh.send(loop.initiator, "loop-recruitment-complete", complete);
            String deadline = Instant.now().plusMillis(loop.executionTimeout).toString();
            for (String agent : participants) {
                ObjectNode execute = Frames.payload().put("loopId", loop.id).put("agentId", agent)
                        .put("capability", loop.capability).put("loopName", loop.name).put("deadline", deadline);
                execute.set("input", loop.input);
                ArrayNode others = execute.putArray("otherParticipants");
                participants.stream().filter(p -> !p.equals(agent)).forEach(others::add);
                if (!mesh.deliver(agent, Frames.frame("loop-execute", execute).toString(), Optional.empty())) {
                    loop.failed.put(agent, Frames.payload().put("agentId", agent).put("reason", "TARGET_OFFLINE"));
                }
            }
            if (loop.failed.size() == participants.size()) {
                timers.execute(() -> complete(loop));
            } else {
                loop.timer = timers.schedule(() -> complete(loop), loop.executionTimeout, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void complete(Loop loop) {
        synchronized (loop) {
            if (loop.phase != Phase.EXECUTING) {
                return;
            }
            loop.phase = Phase.DONE;
            loops.remove(loop.id);
            for (String agent : loop.accepted.keySet()) {
                if (!loop.results.containsKey(agent) && !loop.failed.containsKey(agent)) {
                    loop.failed.put(agent, Frames.payload().put("agentId", agent).put("reason", "TIMEOUT"));
                }
            }
            ObjectNode result = Frames.payload();
            ArrayNode responses = result.putArray("responses");
            loop.results.forEach((agent, r) -> responses.addObject().put("agentId", agent).set("result", r));
            ArrayNode failed = result.putArray("failed");
            loop.failed.values().forEach(failed::add);
            result.set("summary", summary(loop));
            ObjectNode done = Frames.payload().put("loopId", loop.id);
            done.set("result", result);
            Mesh.send(loop.initiator, "loop-complete", done);
            String frame = Frames.frame("loop-complete", done).toString();
            loop.accepted.keySet().forEach(agent -> mesh.deliver(agent, frame, Optional.empty()));
            mesh.observe("loop-complete", Frames.payload().put("loopId", loop.id)
                    .put("responses", loop.results.size()).put("failed", loop.failed.size()));
        }
    }

    /**
     * Counts, and when every answer is a number (or has a numeric {@code value} or {@code price}),
     * their minimum, maximum and average: what the seed's price loops summed up, for any loop.
     */
    private static ObjectNode summary(Loop loop) {
        ObjectNode summary = Frames.payload().put("recruited", loop.recruited.size())
                .put("participants", loop.accepted.size()).put("succeeded", loop.results.size())
                .put("failed", loop.failed.size());
        List<Double> numbers = new ArrayList<>();
        for (JsonNode r : loop.results.values()) {
            JsonNode n = r.isNumber() ? r : r.path("value").isNumber() ? r.path("value") : r.path("price");
            if (!n.isNumber()) {
                return summary;
            }
            numbers.add(n.asDouble());
        }
        if (!numbers.isEmpty()) {
            summary.put("min", numbers.stream().mapToDouble(d -> d).min().orElseThrow())
                    .put("max", numbers.stream().mapToDouble(d -> d).max().orElseThrow())
                    .put("avg", numbers.stream().mapToDouble(d -> d).average().orElseThrow());
        }
        return summary;
    }

    /** A member that left no longer answers: its open loops count it as failed now rather than at the deadline. */
    void left(String memberId) {
        for (Loop loop : loops.values()) {
            synchronized (loop) {
                if (loop.phase == Phase.EXECUTING && loop.accepted.containsKey(memberId)
                        && !loop.results.containsKey(memberId) && !loop.failed.containsKey(memberId)) {
                    loop.failed.put(memberId, Frames.payload().put("agentId", memberId).put("reason", "TARGET_OFFLINE"));
                    if (loop.results.size() + loop.failed.size() == loop.accepted.size()) {
                        loop.timer.cancel(false);
                        timers.execute(() -> complete(loop));
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
