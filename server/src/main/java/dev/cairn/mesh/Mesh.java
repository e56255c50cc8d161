package dev.cairn.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.events.NatsLink;
import dev.cairn.identity.Principal;
import dev.cairn.policy.Action;
import dev.cairn.policy.Glob;
import dev.cairn.policy.Policy;
import dev.cairn.policy.RealmRules;
import dev.cairn.realm.RealmDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The realm mesh: members connected over WebSocket offer services, events and loop participation,
 * and call each other under the realms' policies. A member's realm is its credential's, never what
 * its frames say. Calls are routed to an online provider chosen in turn among those the policy
 * lets the caller reach; a provider on another instance is reached by NATS request-reply
 * ({@link Bus}); who is online where is {@link Presence}. Loops are {@link Loops}.
 */
public final class Mesh implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Mesh.class);
    static final long DEFAULT_CALL_TIMEOUT = 30_000;
    static final long MAX_CALL_TIMEOUT = 300_000;

    private final Policy policy;
    private final RealmDirectory realms;
    private final Throttle throttle;
    final Presence presence;
    final Bus bus;
    final Loops loops;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** Calls waiting for a provider on another instance, failed at once when that provider goes offline. */
    private final Map<String, Pending> remote = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> turns = new ConcurrentHashMap<>();
    private final List<Link> monitors = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final Thread keeper;
    private volatile boolean closed;

    private Mesh(Policy policy, RealmDirectory realms, Throttle throttle, Presence presence, Bus bus) {
        this.policy = policy;
        this.realms = realms;
        this.throttle = throttle;
        this.presence = presence;
        this.bus = bus;
        this.loops = new Loops(this);
        presence.onOffline(this::wentOffline);
        this.keeper = Thread.ofVirtual().name("cairn-mesh-bus").start(this::keepListening);
    }

    public static Mesh of(Optional<NatsLink> nats, String subjectPrefix, String presenceBucket, Policy policy,
                          RealmDirectory realms, Throttle throttle) {
        String instance = UUID.randomUUID().toString().substring(0, 8);
        return new Mesh(policy, realms, throttle, new Presence(instance, nats, presenceBucket),
                new Bus(instance, nats, subjectPrefix));
    }

    private void keepListening() {
        Bus.Inbox inbox = new Inbox();
        while (!closed) {
            try {
                bus.listen(inbox);
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.debug("mesh: listening on NATS failed: {}", e.toString());
            }
        }
    }

    /** A connection's principal becomes a mesh session; only members connect to the mesh. */
    public Session open(Principal principal, Link link) {
        if (principal instanceof Principal.Network) {
            throw CairnException.of(ErrorCode.UNAUTHORIZED, "the mesh needs a token: /gateway?token=<JWT> or"
                    + " 'Authorization: Bearer <token>'");
        }
        if (!(principal instanceof Principal.Member member)) {
            throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "the mesh takes realm members only: connect with"
                    + " a member's API key or the token POST /api/auth/token gave for it"));
        }
        return new Session(member, link);
    }

    /** A {@code /monitor} connection: every connection and message on this instance, as it happens. */
    public AutoCloseable monitor(Link link) {
        monitors.add(link);
        ObjectNode hello = Frames.payload().put("instance", presence.instance());
        ArrayNode members = hello.putArray("members");
        presence.all().stream().filter(presence::live).forEach(e -> members.addObject()
                .put("memberId", e.memberId()).put("realmId", e.realmId()).put("instance", e.instance()));
        link.send(Frames.frame("monitor-hello", hello).toString());
        return () -> monitors.remove(link);
    }

    void observe(String kind, ObjectNode details) {
        if (monitors.isEmpty()) {
            return;
        }
        details.put("kind", kind).put("instance", presence.instance()).put("timestamp", Frames.timestamp());
        String frame = Frames.frame("monitor", details).toString();
        monitors.forEach(m -> m.send(frame));
    }

    /** One member's connection on this instance. */
    public final class Session {
        final Principal.Member member;
        final Link link;
        private volatile boolean handshaken;
        private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

        private Session(Principal.Member member, Link link) {
            this.member = member;
            this.link = link;
        }

        String memberId() {
            return member.memberId();
        }

        String realmId() {
            return member.realmId();
        }

        /** One frame from the member; a failing frame answers with an error frame and leaves the connection open. */
        public void frame(JsonNode frame) {
            JsonNode payload = frame.path("payload");
            String type = frame.path("type").asText();
            try {
                if (!payload.isObject()) {
                    throw Frames.invalid("payload", "an object");
                }
                if (!handshaken && !type.equals("member-handshake") && !type.equals("ping")) {
                    throw Frames.invalid("type", "member-handshake first");
                }
                switch (type) {
                    case "member-handshake" -> handshake(payload);
                    case "service-call" -> call(payload);
                    case "service-response" -> responded(this, payload);
                    case "event-subscribe" -> subscribe(payload);
                    case "event-unsubscribe" -> unsubscribe(payload);
                    case "event-publish" -> publish(payload);
                    case "loop-initiate" -> loops.initiate(this, payload);
                    case "loop-recruitment-response", "loop-execute-response" -> loops.reply(memberId(), realmId(), type, payload);
                    case "ping" -> link.send(Frames.frame("pong", Frames.payload().put("timestamp", Frames.timestamp())).toString());
                    default -> throw Frames.invalid("type", "a mesh message type (member-handshake, service-call,"
                            + " service-response, event-subscribe, event-publish, loop-initiate, ...)");
                }
            } catch (CairnException e) {
                if (e.problem().code() == ErrorCode.FORBIDDEN && type.equals("member-handshake")) {
                    send(this, "error", errorPayload(payload, e.problem()));
                    link.close(4003, "forbidden: " + e.getMessage());
                    return;
                }
                send(this, type.equals("service-call") ? "service-response" : "error", errorPayload(payload, e.problem()));
            }
        }

        private void handshake(JsonNode payload) {
            Optional<String> claimedMember = Frames.optionalText(payload, "memberId", 300);
            Optional<String> claimedRealm = Frames.optionalText(payload, "realmId", 300);
            if (claimedMember.filter(m -> !m.equals(memberId())).isPresent()
                    || claimedRealm.filter(r -> !r.equals(realmId())).isPresent()) {
                throw CairnException.of(ErrorCode.FORBIDDEN, "the credentials are member " + memberId() + " of realm "
                        + realmId() + "; a member can only claim itself");
            }
            Offer offer = Offer.parse(payload.path("capabilities"));
            String type = realms.member(memberId()).map(RealmDirectory.Member::memberType).orElse("hybrid");
            Session previous = sessions.put(memberId(), this);
            if (previous != null && previous != this) {
                previous.link.close(4009, "replaced by a new connection of the same member");
            }
            handshaken = true;
            presence.connected(new Presence.Entry(memberId(), realmId(), type, presence.instance(), offer, true,
                    System.currentTimeMillis()));
            ObjectNode ack = Frames.payload().put("memberId", memberId()).put("realmId", realmId()).put("status", "connected");
            policy.realms().policyNames(realmId()).forEach(ack.putArray("policies")::add);
            ack.set("directory", directory(this));
            ack.put("timestamp", Frames.timestamp());
            send(this, "member-handshake-ack", ack);
            observe("connected", Frames.payload().put("memberId", memberId()).put("realmId", realmId()));
        }

        private void call(JsonNode payload) {
            String requestId = Frames.text(payload, "requestId", 200);
            String capability = Frames.text(payload, "capability", 300);
            String service = Frames.text(payload, "serviceName", 300);
            long timeout = Frames.millis(payload, "timeout", DEFAULT_CALL_TIMEOUT, 1, MAX_CALL_TIMEOUT);
            Optional<String> targetRealm = Frames.optionalText(payload, "targetRealmId", 300);
            throttle.take(member, "mesh:service-call");
            Presence.Entry provider = choose(this, capability, service, targetRealm);
            ObjectNode request = Frames.payload().put("capability", capability).put("serviceName", service);
            request.set("input", payload.path("input").isMissingNode() ? Frames.JSON.nullNode() : payload.path("input"));
            request.put("sourceMemberId", memberId()).put("sourceRealmId", realmId()).put("timeout", timeout);
            if (!monitors.isEmpty()) {
                observe("service-call", Frames.payload().put("requestId", requestId).put("from", memberId())
                        .put("to", provider.memberId()).put("capability", capability).put("serviceName", service));
            }
            long started = System.nanoTime();
            CompletableFuture<ObjectNode> answer = provider.instance().equals(presence.instance())
                    ? callLocal(provider.memberId(), request, timeout)
                    : callRemote(provider, request, timeout);
            answer.whenComplete((response, failure) -> {
                // The answer is this call's alone (made for it here, or read from the other instance's reply).
                ObjectNode out = failure == null ? response : Frames.payload().set("error", Frames.error(problem(failure)));
                out.put("requestId", requestId);
                send(this, "service-response", out);
                if (!monitors.isEmpty()) {
                    observe("service-response", Frames.payload().put("requestId", requestId).put("from", provider.memberId())
                            .put("to", memberId()).put("ok", !out.has("error"))
                            .put("micros", (System.nanoTime() - started) / 1000));
                }
            });
        }

        private void subscribe(JsonNode payload) {
            Subscription s = Subscription.of(payload);
            if (subscriptions.size() >= 1000) {
                throw Frames.invalid("event-subscribe", "at most 1000 subscriptions per connection");
            }
            subscriptions.removeIf(s::sameAs);
            subscriptions.add(s);
            send(this, "subscription-confirmed", s.json());
        }

        private void unsubscribe(JsonNode payload) {
            Subscription s = Subscription.of(payload);
            subscriptions.removeIf(s::sameAs);
            send(this, "subscription-removed", s.json());
        }

        private void publish(JsonNode payload) {
            String capability = Frames.text(payload, "capability", 300);
            String eventName = Frames.text(payload, "eventName", 300);
            Optional<String> topic = Frames.optionalText(payload, "topic", 300);
            throttle.take(member, "mesh:event-publish");
            ObjectNode event = Frames.payload().put("capability", capability).put("eventName", eventName);
            topic.ifPresent(t -> event.put("topic", t));
            event.set("payload", payload.path("payload").isMissingNode() ? Frames.JSON.nullNode() : payload.path("payload"));
            event.put("sourceMemberId", memberId()).put("sourceRealmId", realmId()).put("timestamp", Frames.timestamp());
            int delivered = deliverEvent(event);
            bus.event(event);
            observe("event", Frames.payload().put("from", memberId()).put("capability", capability)
                    .put("eventName", eventName).put("deliveredHere", delivered));
        }

        /** The connection ended: its calls in flight fail, its loops lose it, presence says offline. */
        public void closed() {
            subscriptions.clear();
            if (!handshaken) {
                return;
            }
            if (sessions.remove(memberId(), this)) {
                presence.disconnected(memberId());
                failPendingOf(memberId());
                observe("disconnected", Frames.payload().put("memberId", memberId()).put("realmId", realmId()));
            }
        }
    }

    /** An event subscription of one connection: capability, event name ({@code *} for any) and topic glob. */
    record Subscription(String capability, String eventName, Optional<String> topic) {
        static Subscription of(JsonNode payload) {
            return new Subscription(Frames.text(payload, "capability", 300),
                    Frames.optionalText(payload, "eventName", 300).orElse("*"), Frames.optionalText(payload, "topic", 300));
        }

        boolean sameAs(Subscription other) {
            return equals(other);
        }

        boolean matches(JsonNode event) {
            return capability.equals(event.path("capability").asText())
                    && (eventName.equals("*") || eventName.equals(event.path("eventName").asText()))
                    && topic.map(t -> Glob.of(t).matches(event.path("topic").asText(""))).orElse(true);
        }

        ObjectNode json() {
            ObjectNode o = Frames.payload().put("capability", capability).put("eventName", eventName);
            topic.ifPresent(t -> o.put("topic", t));
            return o;
        }
    }

    /** Delivers an event to this instance's subscribers whose realm the policy lets receive it. */
    private int deliverEvent(ObjectNode event) {
        String source = event.path("sourceMemberId").asText();
        String sourceRealm = event.path("sourceRealmId").asText();
        String capability = event.path("capability").asText();
        String frame = Frames.frame("event", event).toString();
        int delivered = 0;
        for (Session s : sessions.values()) {
            if (s.memberId().equals(source) || s.subscriptions.stream().noneMatch(sub -> sub.matches(event))) {
                continue;
            }
            if (allowed(s.member, s.realmId(), sourceRealm, capability, RealmRules.Operation.SUBSCRIBE)) {
                s.link.send(frame);
                delivered++;
            }
        }
        return delivered;
    }

    /** Whether a principal of {@code fromRealm} may use {@code capability} of {@code toRealm}: the one policy decides. */
    boolean allowed(Principal principal, String fromRealm, String toRealm, String capability, RealmRules.Operation op) {
        return policy.allows(principal, new Action.UseCapability(fromRealm, toRealm, capability, op));
    }

    private void authorize(Principal principal, String fromRealm, String toRealm, String capability, RealmRules.Operation op) {
        policy.authorize(() -> principal, new Action.UseCapability(fromRealm, toRealm, capability, op));
    }

    /** The provider this call goes to: among the online ones the policy allows, the next in turn. */
    private Presence.Entry choose(Session caller, String capability, String service, Optional<String> targetRealm) {
        List<Presence.Entry> known = new ArrayList<>();
        for (Presence.Entry e : presence.entries()) {
            if (e.offer().provides(capability, service) && targetRealm.map(r -> r.equals(e.realmId())).orElse(true)
                    && !e.memberId().equals(caller.memberId())) {
                known.add(e);
            }
        }
        if (known.isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.SERVICE_NOT_FOUND, "no member offers service " + service
                    + " under capability " + capability));
        }
        List<Presence.Entry> online = known.stream().filter(presence::live).toList();
        if (online.isEmpty()) {
            throw CairnException.of(ErrorCode.TARGET_OFFLINE, "the providers of " + capability + "/" + service
                    + " are offline");
        }
        List<Presence.Entry> allowed = new ArrayList<>();
        CairnException denied = null;
        for (Presence.Entry e : online) {
            try {
                authorize(caller.member, caller.realmId(), e.realmId(), capability, RealmRules.Operation.CALL);
                allowed.add(e);
            } catch (CairnException ex) {
                denied = ex;
            }
        }
        if (allowed.isEmpty()) {
            throw denied;
        }
        allowed.sort(Comparator.comparing(Presence.Entry::memberId));
        long turn = turns.computeIfAbsent(capability + "\u0000" + service, k -> new AtomicLong()).getAndIncrement();
        return allowed.get((int) Math.floorMod(turn, (long) allowed.size()));
    }

    /** A call waiting for a provider of this instance to answer. */
    private record Pending(String providerMemberId, CompletableFuture<ObjectNode> answer) {
    }

    /** Sends a service-request to a provider on this instance; its service-response completes the answer. */
    CompletableFuture<ObjectNode> callLocal(String providerMemberId, ObjectNode request, long timeoutMillis) {
        Session provider = sessions.get(providerMemberId);
        if (provider == null) {
            return CompletableFuture.failedFuture(CairnException.of(ErrorCode.TARGET_OFFLINE,
                    "provider " + providerMemberId + " is not connected"));
        }
        String id = presence.instance() + "-" + ids.incrementAndGet();
        CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
        pending.put(id, new Pending(providerMemberId, answer));
        ObjectNode out = request; // made for this call (or read from another instance's message): changed in place
        out.remove("providerMemberId");
        out.put("requestId", id);
        if (!provider.link.send(Frames.frame("service-request", out).toString())) {
            pending.remove(id);
            return CompletableFuture.failedFuture(CairnException.of(ErrorCode.TARGET_OFFLINE,
                    "provider " + providerMemberId + " could not take the request"));
        }
        return answer.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).whenComplete((r, f) -> pending.remove(id));
    }

    /** A call to a provider on another instance, which also fails once presence says the provider is gone. */
    private CompletableFuture<ObjectNode> callRemote(Presence.Entry provider, ObjectNode request, long timeoutMillis) {
        String id = presence.instance() + "-r" + ids.incrementAndGet();
        CompletableFuture<ObjectNode> answer = new CompletableFuture<>();
        remote.put(id, new Pending(provider.memberId(), answer));
        bus.call(provider.instance(), request.put("providerMemberId", provider.memberId()), Duration.ofMillis(timeoutMillis))
                .whenComplete((r, f) -> {
                    if (f == null) {
                        answer.complete(r);
                    } else {
                        answer.completeExceptionally(f);
                    }
                });
        return answer.whenComplete((r, f) -> remote.remove(id));
    }

    /** A member of another instance went offline: calls waiting for it fail now, its loops count it out. */
    private void wentOffline(String memberId) {
        remote.values().stream().filter(p -> p.providerMemberId().equals(memberId))
                .forEach(p -> p.answer().completeExceptionally(CairnException.of(ErrorCode.TARGET_OFFLINE,
                        "provider " + memberId + " went offline before answering")));
        loops.left(memberId);
        observe("offline", Frames.payload().put("memberId", memberId));
    }

    /** A provider's answer: only the provider the request went to can answer it. */
    private void responded(Session provider, JsonNode payload) {
        String id = Frames.text(payload, "requestId", 200);
        Pending p = pending.get(id);
        if (p == null || !p.providerMemberId().equals(provider.memberId())) {
            return; // late (timed out) or not this provider's: dropped
        }
        ObjectNode answer = Frames.payload();
        if (payload.has("error") && !payload.path("error").isNull()) {
            JsonNode error = payload.path("error");
            answer.set("error", error.isObject() ? error : Frames.error("PROVIDER_ERROR", error.asText()));
        } else {
            answer.set("result", payload.path("result").isMissingNode() ? Frames.JSON.nullNode() : payload.path("result"));
        }
        p.answer().complete(answer);
    }

    private void failPendingOf(String providerMemberId) {
        pending.values().stream().filter(p -> p.providerMemberId().equals(providerMemberId))
                .forEach(p -> p.answer().completeExceptionally(CairnException.of(ErrorCode.TARGET_OFFLINE,
                        "provider " + providerMemberId + " disconnected before answering")));
        loops.left(providerMemberId);
    }

    static Problem problem(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof CairnException e) {
            return e.problem();
        }
        if (cause instanceof TimeoutException) {
            return Problem.of(ErrorCode.SERVICE_TIMEOUT, "the provider did not answer in time");
        }
        LOG.warn("mesh: a call failed unexpectedly", cause);
        return Problem.of(ErrorCode.INTERNAL_ERROR, "the call failed inside the gateway");
    }

    private static ObjectNode errorPayload(JsonNode request, Problem problem) {
        ObjectNode out = Frames.payload();
        JsonNode id = request.path("requestId");
        if (id.isTextual()) {
            out.put("requestId", id.asText());
        }
        JsonNode loop = request.path("loopId");
        if (loop.isTextual()) {
            out.put("loopId", loop.asText());
        }
        out.set("error", Frames.error(problem));
        return out;
    }

    static void send(Session to, String type, ObjectNode payload) {
        to.link.send(Frames.frame(type, payload).toString());
    }

    /** Delivers a frame to a member wherever it is connected; false when it is nowhere. */
    boolean deliver(String memberId, String frame, Optional<String> loopCoordinator) {
        Session local = sessions.get(memberId);
        if (local != null) {
            return local.link.send(frame);
        }
        Optional<Presence.Entry> remote = presence.online(memberId);
        remote.ifPresent(e -> bus.deliver(e.instance(), memberId, frame, loopCoordinator));
        return remote.isPresent();
    }

    /** What the member may call now: services by capability, and every capability on offer it may reach. */
    private ObjectNode directory(Session member) {
        Map<String, Set<String>> services = new TreeMap<>();
        Set<String> capabilities = new java.util.TreeSet<>();
        for (Presence.Entry e : presence.all()) {
            if (!presence.live(e) || e.memberId().equals(member.memberId())) {
                continue;
            }
            for (Offer.Service s : e.offer().services()) {
                String capability = s.capability().orElse("*");
                if (allowed(member.member, member.realmId(), e.realmId(), capability, RealmRules.Operation.CALL)) {
                    services.computeIfAbsent(capability, k -> new java.util.TreeSet<>()).add(s.name());
                    capabilities.add(capability);
                }
            }
        }
        ObjectNode out = Frames.payload();
        ObjectNode available = out.putObject("availableServices");
        services.forEach((c, names) -> names.forEach(available.withArray(c)::add));
        capabilities.forEach(out.putArray("availableCapabilities")::add);
        return out;
    }

    void throttleLoop(Session initiator) {
        throttle.take(initiator.member, "mesh:loop-initiate");
    }

    /** Members this instance holds, for loops and tests. */
    Optional<Session> session(String memberId) {
        return Optional.ofNullable(sessions.get(memberId));
    }

    /** Messages from other instances. */
    private final class Inbox implements Bus.Inbox {
        @Override
        public CompletableFuture<ObjectNode> call(ObjectNode call) {
            return callLocal(call.path("providerMemberId").asText(), call, call.path("timeout").asLong(DEFAULT_CALL_TIMEOUT))
                    .handle((answer, failure) -> failure == null ? answer
                            : Frames.payload().set("error", Frames.error(problem(failure))));
        }

        @Override
        public void deliver(String memberId, String frame, Optional<String> loopCoordinator) {
            loopCoordinator.ifPresent(c -> loops.remember(frame, c));
            Session local = sessions.get(memberId);
            if (local != null) {
                local.link.send(frame);
            }
        }

        @Override
        public void loopReply(ObjectNode reply) {
            loops.replyHere(reply);
        }

        @Override
        public void event(ObjectNode event) {
            deliverEvent(event);
        }
    }

    @Override
    public void close() {
        closed = true;
        keeper.interrupt();
        loops.close();
        presence.close();
        bus.close();
    }
}
