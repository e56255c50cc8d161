package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.events.Subscriptions;
import dev.cairn.identity.Authenticator;
import dev.cairn.identity.NetworkPolicy;
import dev.cairn.identity.Principal;
import dev.cairn.policy.DataScope;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection of {@code GET /v1/events}. The upgrade carries the credentials
 * ({@code Authorization}, or {@code access_token} in the query for browsers, which cannot set
 * headers) and the scope ({@code x-platform}/{@code x-tenant-id}, or {@code platform}/{@code tenant}
 * in the query); they are checked when the connection opens, and a connection that fails them is
 * closed with a code from the error's status (4001 unauthorized, 4003 forbidden, 4029 too many).
 * Frames out go through one bounded queue and one sender thread, the only one that writes to the
 * socket (Helidon's WebSocket writer is not thread-safe). A subscriber whose queue stays full for
 * {@link EventFace#SLOW_GRACE_MILLIS} is cut off with 4008; each subscription waits on its own thread, so
 * no one else waits for it.
 */
final class EventSocket implements WsListener {

    private static final Logger LOG = LoggerFactory.getLogger(EventSocket.class);
    static final int TOO_SLOW = 4008;
    private static final long PING_NANOS = TimeUnit.SECONDS.toNanos(25);

    private final EventFace face;
    private final Authenticator authenticator;
    private final NetworkPolicy network;
    private final Map<String, Subscriptions.Handle> subscriptions = new ConcurrentHashMap<>();
    private final ArrayBlockingQueue<String> out;
    private final StringBuilder partial = new StringBuilder();
    private Optional<String> authorization = Optional.empty();
    private Optional<String> platform = Optional.empty();
    private Optional<String> tenant = Optional.empty();
    private List<String> forwardedFor = List.of();
    private WsSession session;
    private Principal principal;
    private DataScope scope;
    private Runnable release = () -> { };
    private volatile boolean closed;
    /** A close the sender is to send (code and reason), asked for by another thread. */
    private volatile Optional<Map.Entry<Integer, String>> closing = Optional.empty();

    EventSocket(EventFace face, Authenticator authenticator, NetworkPolicy network) {
        this.face = face;
        this.authenticator = authenticator;
        this.network = network;
        this.out = new ArrayBlockingQueue<>(face.settings.subscriberBuffer());
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        // A token the client named in the query (browsers cannot set headers) wins over a cookie it merely carries.
        authorization = headers.first(HeaderNames.AUTHORIZATION)
                .or(() -> query(prologue, "access_token").map(token -> "Bearer " + token))
                .or(() -> Credentials.authorization(headers));
        platform = headers.first(DataScopes.PLATFORM).or(() -> query(prologue, "platform"));
        tenant = headers.first(DataScopes.TENANT).or(() -> query(prologue, "tenant"));
        forwardedFor = headers.all(HeaderNames.X_FORWARDED_FOR, List::of);
        return Optional.empty();
    }

    private static Optional<String> query(HttpPrologue prologue, String name) {
        return prologue.query().first(name).asOptional();
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        try {
            InetAddress peer = ((InetSocketAddress) session.socketContext().remotePeer().address()).getAddress();
            InetAddress client = network.client(peer, forwardedFor);
            if (!network.allows(client)) {
                throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "client address " + client.getHostAddress()
                        + " is not allowed: it is outside ALLOWED_NETWORKS"));
            }
            principal = authenticator.resolve(authorization, client.getHostAddress());
            scope = DataScope.resolve(principal, platform, tenant, face.defaultPlatform);
            release = face.connections.acquire(principal.actor());
        } catch (CairnException e) {
            // No sender yet: this thread is the only writer.
            cleanUp();
            session.send(error(Optional.empty(), e.problem()), true);
            session.close(HttpErrors.closeCode(e.problem()), clip(e.problem().message()));
            return;
        }
        Thread.ofVirtual().name("cairn-events-send").start(this::sendLoop);
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        partial.append(text);
        if (!last) {
            if (partial.length() > 64 * 1024) {
                end(1009, "a frame over 64 KiB");
                partial.setLength(0);
            }
            return;
        }
        String message = partial.toString();
        partial.setLength(0);
        if (principal == null || closed) {
            return;
        }
        JsonNode frame;
        try {
            frame = Json.MAPPER.readTree(message);
        } catch (IOException e) {
            queue(error(Optional.empty(), Problem.of(ErrorCode.INVALID_REQUEST, "a frame is one JSON object")));
            return;
        }
        Optional<String> id = Optional.ofNullable(frame.get("id")).filter(JsonNode::isValueNode).map(JsonNode::asText);
        try {
            switch (frame.path("type").asText()) {
                case "subscribe" -> subscribe(frame, id.orElseThrow(() -> EventFace.invalid("id", "a string naming the subscription")));
                case "unsubscribe" -> unsubscribe(id.orElseThrow(() -> EventFace.invalid("id", "the subscription's id")));
                case "ping" -> queue(Json.write(Map.of("type", "pong")));
                case "pong" -> { }
                default -> throw EventFace.invalid("type", "subscribe, unsubscribe, ping or pong");
            }
        } catch (CairnException e) {
            queue(error(id, e.problem()));
        }
    }

    private void subscribe(JsonNode frame, String id) {
        if (id.isEmpty() || id.length() > 100) {
            throw EventFace.invalid("id", "a string of 1 to 100 characters");
        }
        if (subscriptions.containsKey(id)) {
            throw new CairnException(Problem.of(ErrorCode.CONFLICT, "subscription " + id + " is open already")
                    .with("field", "id"));
        }
        if (subscriptions.size() >= face.settings.maxSubscriptions()) {
            throw CairnException.of(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "at most " + face.settings.maxSubscriptions()
                    + " subscriptions per connection (EVENTS_MAX_SUBSCRIPTIONS)");
        }
        JsonNode entity = frame.path("entity");
        if (!entity.isTextual() || entity.asText().isEmpty()) {
            throw EventFace.invalid("entity", "the name of an entity of the data API");
        }
        Subscriptions.Spec spec = face.spec(principal, scope, entity.asText(), EventFace.types(frame.get("types")),
                Optional.ofNullable(frame.get("since")));
        Subscriptions.Handle handle = face.subscriptions().open(spec, (sequence, event) -> offer(eventFrame(id, event)),
                this::tooSlow);
        subscriptions.put(id, handle);
        if (closed) { // the connection ended while this subscription was being made
            subscriptions.remove(id);
            handle.close();
            return;
        }
        queue(Json.write(Map.of("type", "ack", "id", id)));
        handle.start(); // after the ack: a replay's first event must not overtake it
    }

    private void unsubscribe(String id) {
        Subscriptions.Handle handle = subscriptions.remove(id);
        if (handle == null) {
            throw new CairnException(Problem.of(ErrorCode.RECORD_NOT_FOUND, "no open subscription " + id).with("field", "id"));
        }
        handle.close();
        queue(Json.write(Map.of("type", "ack", "id", id)));
    }

    private static String eventFrame(String subscription, JsonNode event) {
        ObjectNode frame = Json.MAPPER.createObjectNode();
        frame.put("type", "event");
        frame.put("subscription", subscription);
        frame.set("event", event);
        return frame.toString();
    }

    private static String error(Optional<String> id, Problem problem) {
        Map<String, Object> frame = new java.util.LinkedHashMap<>();
        frame.put("type", "error");
        id.ifPresent(i -> frame.put("id", i));
        frame.putAll(HttpErrors.fields(problem));
        return Json.write(frame);
    }

    /** Queues a control frame (ack, error, pong); dropped if the queue is full, which cuts the subscriber off anyway. */
    private void queue(String frame) {
        if (!closed && !out.offer(frame)) {
            tooSlow();
        }
    }

    /** Queues an event, waiting a little for room; false when there was none (the subscriber is too slow). */
    private boolean offer(String frame) {
        return !closed && EventFace.offer(out, frame);
    }

    private void tooSlow() {
        end(TOO_SLOW, "too slow: " + out.size() + " events waiting (EVENTS_SUBSCRIBER_BUFFER)");
    }

    /** The only writer once the connection is open: frames, pings when idle, and the close when one is asked for. */
    private void sendLoop() {
        long lastSent = System.nanoTime();
        try {
            while (true) {
                if (closed) { // closing is set before closed: once closed is seen, so is a close asked for
                    closing.ifPresent(close -> session.close(close.getKey(), close.getValue()));
                    return;
                }
                String frame = out.poll(1, TimeUnit.SECONDS);
                if (frame == null && System.nanoTime() - lastSent > PING_NANOS) {
                    // A protocol ping too: browsers answer it by themselves, and the server counts a
                    // connection whose client sends nothing as idle (closed after 5 minutes otherwise).
                    session.ping(io.helidon.common.buffers.BufferData.empty());
                    frame = Json.write(Map.of("type", "ping"));
                }
                if (frame != null && closing.isEmpty()) {
                    session.send(frame, true);
                    lastSent = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("events: a WebSocket subscriber went away: {}", e.toString());
            cleanUp();
        }
    }

    /** Stops the subscriptions at once and has the sender close the connection after what it is sending now. */
    private void end(int code, String reason) {
        if (closing.isEmpty()) {
            closing = Optional.of(Map.entry(code, clip(reason)));
        }
        cleanUp();
    }

    private static String clip(String reason) {
        return reason.length() > 120 ? reason.substring(0, 120) : reason; // a close reason is at most 123 bytes
    }

    private void cleanUp() {
        closed = true;
        subscriptions.values().forEach(Subscriptions.Handle::close);
        subscriptions.clear();
        release.run();
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        cleanUp();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        cleanUp();
    }
}
