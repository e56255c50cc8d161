package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.data.Target;
import dev.cairn.error.CairnException;
import dev.cairn.events.Subscriptions;
import dev.cairn.graphql.GraphqlExecutor;
import dev.cairn.identity.Authenticator;
import dev.cairn.identity.NetworkPolicy;
import dev.cairn.identity.Principal;
import dev.cairn.policy.DataScope;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.WritableHeaders;
import io.helidon.websocket.WsUpgradeException;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * GraphQL over WebSocket at {@code /graphql}, the {@code graphql-transport-ws} protocol (the
 * graphql-ws library's): {@code connection_init} (its payload may carry {@code Authorization},
 * {@code X-Session-Token}, {@code x-platform}, {@code x-tenant-id}; else the upgrade's are used) →
 * {@code connection_ack}; {@code subscribe {id, payload: {query, variables?, operationName?}}} →
 * {@code next}… then {@code complete}, or one {@code error}; {@code complete {id}} stops one;
 * {@code ping}/{@code pong}. Breaches of the protocol close the connection with its codes: 4400
 * bad message, 4401 subscribe before the ack, 4403 credentials refused, 4408 no init within
 * {@link #INIT_SECONDS}, 4409 an id in use, 4429 a second init; 4008 a client too slow.
 */
final class GraphqlSocket extends FramedSocket {

    static final String PROTOCOL = "graphql-transport-ws";
    private static final HeaderName SUBPROTOCOL = HeaderNames.create("Sec-WebSocket-Protocol");
    static final long INIT_SECONDS = 10;

    private final GraphqlExecutor engine;
    private final long openedAt = System.nanoTime();
    private volatile boolean initialised;
    private volatile boolean acknowledged;
    private Principal principal;
    private Target.Tenant target;

    GraphqlSocket(EventFace face, Authenticator authenticator, NetworkPolicy network, GraphqlExecutor engine) {
        super(face, authenticator, network);
        this.engine = engine;
    }

    /** The client must offer graphql-transport-ws (or nothing); the legacy graphql-ws protocol is refused. */
    @Override
    Optional<Headers> upgraded(Headers request) throws WsUpgradeException {
        List<String> offered = request.all(SUBPROTOCOL, List::of).stream()
                .flatMap(v -> Arrays.stream(v.split(","))).map(String::strip).filter(p -> !p.isEmpty()).toList();
        if (offered.isEmpty()) {
            return Optional.empty();
        }
        if (!offered.contains(PROTOCOL)) {
            throw new WsUpgradeException("only the " + PROTOCOL + " subprotocol is spoken here, not " + offered);
        }
        WritableHeaders<?> answer = WritableHeaders.create();
        answer.set(SUBPROTOCOL, PROTOCOL);
        return Optional.of(answer);
    }

    @Override
    void opened() {
        // Credentials may still come with connection_init: nothing to check before it.
    }

    @Override
    void tick() {
        if (!initialised && System.nanoTime() - openedAt > java.util.concurrent.TimeUnit.SECONDS.toNanos(INIT_SECONDS)) {
            end(4408, "Connection initialisation timeout");
        }
    }

    @Override
    void frame(String text) {
        JsonNode message;
        try {
            message = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            message = null;
        }
        if (message == null || !message.isObject() || !message.path("type").isTextual()) {
            end(4400, "Invalid message received");
            return;
        }
        switch (message.path("type").asText()) {
            case "connection_init" -> init(message.path("payload"));
            case "subscribe" -> subscribe(message);
            case "complete" -> Optional.ofNullable(subscriptions.remove(message.path("id").asText())).ifPresent(FramedSocket::close);
            case "ping" -> queue(Json.write(Map.of("type", "pong")));
            case "pong" -> { }
            default -> end(4400, "Invalid message received: unknown type " + clip(message.path("type").asText()));
        }
    }

    private void init(JsonNode payload) {
        if (initialised) {
            end(4429, "Too many initialisation requests");
            return;
        }
        initialised = true;
        try {
            Optional<String> credentials = param(payload, "Authorization", "authorization")
                    .or(() -> param(payload, "X-Session-Token", "x-session-token", "session_token").map(t -> "Bearer " + t))
                    .or(() -> authorization);
            principal = authenticate(credentials);
            Optional<String> platformName = param(payload, "x-platform", "X-Platform").or(() -> platform);
            Optional<String> tenantName = param(payload, "x-tenant-id", "X-Tenant-Id").or(() -> tenant)
                    .map(String::strip).filter(t -> !t.isEmpty());
            target = tenantName.isPresent()
                    ? scoped(DataScope.resolve(principal, platformName, tenantName, face.defaultPlatform))
                    : new Target.Tenant(DataScope.platform(principal, platformName, face.defaultPlatform), Optional.empty());
        } catch (CairnException e) {
            end(4403, "Forbidden: " + e.getMessage());
            return;
        }
        acknowledged = true;
        queue(Json.write(Map.of("type", "connection_ack")));
    }

    private static Target.Tenant scoped(DataScope scope) {
        return new Target.Tenant(scope.platform(), Optional.of(scope.tenant()));
    }

    private static Optional<String> param(JsonNode payload, String... names) {
        for (String name : names) {
            JsonNode v = payload.path(name);
            if (v.isTextual() && !v.textValue().isBlank()) {
                return Optional.of(v.textValue());
            }
        }
        return Optional.empty();
    }

    private void subscribe(JsonNode message) {
        if (!acknowledged) {
            end(4401, "Unauthorized");
            return;
        }
        String id = message.path("id").asText("");
        JsonNode payload = message.path("payload");
        if (id.isEmpty() || id.length() > 100 || !payload.path("query").isTextual()
                || !(payload.path("variables").isMissingNode() || payload.path("variables").isNull()
                || payload.path("variables").isObject())) {
            end(4400, "Invalid message received: subscribe needs an id and a payload {query, variables?}");
            return;
        }
        if (subscriptions.containsKey(id)) {
            end(4409, "Subscriber for " + clip(id) + " already exists");
            return;
        }
        if (subscriptions.size() >= face.settings.maxSubscriptions()) {
            queue(error(id, List.of(Map.of("message", "at most " + face.settings.maxSubscriptions()
                    + " subscriptions per connection (EVENTS_MAX_SUBSCRIPTIONS)",
                    "extensions", Map.of("code", "too_many_subscriptions")))));
            return;
        }
        Placeholder placeholder = new Placeholder();
        subscriptions.put(id, placeholder);
        // Off the reader thread: a query or the opening of a source may wait on a database or on NATS.
        Thread.ofVirtual().name("cairn-graphql-ws").start(() -> run(id, payload, placeholder));
    }

    private void run(String id, JsonNode payload, Placeholder placeholder) {
        Map<String, Object> variables = payload.path("variables").isObject() ? Json.map(payload.get("variables")) : Map.of();
        GraphqlExecutor.Call call = new GraphqlExecutor.Call(() -> principal, target, payload.get("query").textValue(),
                Optional.ofNullable(payload.get("operationName")).filter(JsonNode::isTextual).map(JsonNode::textValue),
                variables, false, Optional::empty);
        AutoCloseable handle;
        try {
            handle = engine.subscribe(call, this::entityChanges, new Listener(id), face.settings.subscriberBuffer(),
                    this::tooSlow);
        } catch (CairnException e) {
            subscriptions.remove(id, placeholder);
            queue(error(id, List.of(Map.of("message", e.getMessage(), "extensions",
                    Map.of("code", e.code().wireName())))));
            return;
        }
        if (!subscriptions.replace(id, placeholder, handle)) {
            close(handle); // completed by the client (or the connection ended) while it was opening
        }
    }

    /** The data API's event stream, as {@code /v1/events} serves it: same identity, tenancy and policy. */
    private AutoCloseable entityChanges(Principal who, Target on, String entity, Set<String> types, Optional<String> since,
                                        Consumer<JsonNode> events, Runnable overflow) {
        if (!(on instanceof Target.Tenant t) || t.tenant().isEmpty()) {
            throw EventFace.invalid("x-tenant-id", "sent with connection_init to subscribe to a tenant's changes");
        }
        Subscriptions.Spec spec = face.spec(who, new DataScope(t.platform(), t.tenant().get()), entity, types,
                since.map(s -> Json.MAPPER.getNodeFactory().textNode(s)));
        Subscriptions.Handle handle = face.subscriptions().open(spec, (sequence, event) -> {
            events.accept(event);
            return !closed;
        }, overflow);
        handle.start();
        return handle;
    }

    /** Frames one subscription's results; {@code complete} once, unless the client completed it first. */
    private final class Listener implements GraphqlExecutor.Listener {
        private final String id;

        Listener(String id) {
            this.id = id;
        }

        @Override
        public void next(Map<String, Object> result) {
            Map<String, Object> frame = new LinkedHashMap<>();
            frame.put("id", id);
            frame.put("type", "next");
            frame.put("payload", result);
            if (!offer(Json.write(frame))) {
                tooSlow();
            }
        }

        @Override
        public void error(List<Map<String, Object>> errors) {
            subscriptions.remove(id);
            queue(GraphqlSocket.error(id, errors));
        }

        @Override
        public void complete() {
            if (subscriptions.remove(id) != null) {
                queue(Json.write(Map.of("id", id, "type", "complete")));
            }
        }
    }

    private static String error(String id, List<? extends Map<String, Object>> errors) {
        return Json.write(Map.of("id", id, "type", "error", "payload", errors));
    }

    /** Holds an id while its subscription opens, so a duplicate id or an early complete is seen. */
    private static final class Placeholder implements AutoCloseable {
        @Override
        public void close() {
        }
    }
}
