package dev.cairn.api;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.identity.Authenticator;
import dev.cairn.identity.NetworkPolicy;
import dev.cairn.identity.Principal;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Cairn's WebSocket faces ({@code /v1/events}, GraphQL's {@code /graphql}, the mesh's
 * {@code /gateway} and {@code /monitor}) share: the upgrade's credentials and scope
 * ({@code Authorization}, else {@code access_token} (or the mesh's {@code token}) in the query for
 * browsers, else a session's header or cookie; {@code x-platform}/{@code x-tenant-id}, or
 * {@code platform}/{@code tenant} in the query), the network allow-list checked at open, the
 * principal's connection slot (a verified client certificate on the TLS listener stands for
 * credentials when there are none), and the outbound side: one bounded queue and one sender
 * thread, the only one that writes to the socket (Helidon's WebSocket writer is not thread-safe),
 * which also pings an idle client and judges the credentials again now and then
 * ({@link CredentialRecheck}: credentials that no longer hold close the connection with 4001 or
 * 4003). A client whose queue stays full for {@link EventFace#SLOW_GRACE_MILLIS} is cut off with
 * 4008. Subscriptions, whatever their protocol, are closeable handles by id, all closed when the
 * connection ends. Subclasses speak their protocol in {@link #opened()} and {@link #frame}.
 */
abstract class FramedSocket implements WsListener {

    private static final Logger LOG = LoggerFactory.getLogger(FramedSocket.class);
    static final int TOO_SLOW = 4008;
    private static final long PING_NANOS = TimeUnit.SECONDS.toNanos(25);
    private static final int MAX_FRAME = 64 * 1024;

    final EventFace face;
    private final Authenticator authenticator;
    private final NetworkPolicy network;
    final Map<String, AutoCloseable> subscriptions = new ConcurrentHashMap<>();
    private final ArrayBlockingQueue<String> out;
    private final StringBuilder partial = new StringBuilder();
    Optional<String> authorization = Optional.empty();
    Optional<String> platform = Optional.empty();
    Optional<String> tenant = Optional.empty();
    private List<String> forwardedFor = List.of();
    private Optional<X509Certificate> certificate = Optional.empty();
    private WsSession session;
    private InetAddress client;
    private Runnable release = () -> { };
    /** Set once the connection has credentials: the sender judges them again now and then. */
    private volatile Optional<CredentialRecheck> recheck = Optional.empty();
    volatile boolean closed;
    /** A close the sender is to send (code and reason), asked for by another thread. */
    private volatile Optional<Map.Entry<Integer, String>> closing = Optional.empty();

    FramedSocket(EventFace face, Authenticator authenticator, NetworkPolicy network) {
        this.face = face;
        this.authenticator = authenticator;
        this.network = network;
        this.out = new ArrayBlockingQueue<>(face.settings.subscriberBuffer());
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        // A token the client named in the query (browsers cannot set headers) wins over a cookie it merely carries.
        authorization = headers.first(HeaderNames.AUTHORIZATION)
                .or(() -> query(prologue, "access_token").or(() -> query(prologue, "token")).map(token -> "Bearer " + token))
                .or(() -> Credentials.authorization(headers));
        platform = headers.first(DataScopes.PLATFORM).or(() -> query(prologue, "platform"));
        tenant = headers.first(DataScopes.TENANT).or(() -> query(prologue, "tenant"));
        forwardedFor = headers.all(HeaderNames.X_FORWARDED_FOR, List::of);
        return upgraded(headers);
    }

    /** The upgrade's answer headers (a subprotocol, say); refuse the upgrade by throwing. */
    Optional<Headers> upgraded(Headers request) throws WsUpgradeException {
        return Optional.empty();
    }

    private static Optional<String> query(HttpPrologue prologue, String name) {
        return prologue.query().first(name).asOptional();
    }

    @Override
    public final void onOpen(WsSession session) {
        this.session = session;
        try {
            InetAddress peer = ((InetSocketAddress) session.socketContext().remotePeer().address()).getAddress();
            certificate = ClientCertificate.of(session.socketContext().remotePeer());
            client = network.client(peer, forwardedFor);
            if (!network.allows(client)) {
                throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "client address " + client.getHostAddress()
                        + " is not allowed: it is outside ALLOWED_NETWORKS"));
            }
            opened();
        } catch (CairnException e) {
            // No sender yet: this thread is the only writer.
            cleanUp();
            refusedAtOpen(session, e.problem());
            session.close(HttpErrors.closeCode(e.problem()), clip(e.problem().message()));
            return;
        }
        Thread.ofVirtual().name("cairn-socket-send").start(this::sendLoop);
    }

    /** The connection is open and allowed: authenticate now, or wait for the protocol's first frame. */
    abstract void opened();

    /** What to send before the close when the connection is refused at open (nothing, by default). */
    void refusedAtOpen(WsSession session, Problem problem) {
    }

    /** One whole text frame from the client. */
    abstract void frame(String text);

    /** Called about once a second by the sender: a protocol's deadlines. */
    void tick() {
    }

    /** The principal of these credentials, holding one of its connection slots until the connection ends. */
    final Principal authenticate(Optional<String> credentials) {
        Principal principal = authenticator.resolve(credentials, certificate, client.getHostAddress());
        if (credentials.isPresent() || certificate.isPresent()) {
            recheck = Optional.of(new CredentialRecheck(authenticator, credentials, certificate, client.getHostAddress(),
                    face.settings.credentialsRecheck()));
        }
        Runnable slot = face.connections.acquire(principal.actor());
        if (closed) {
            slot.run();
        } else {
            release = slot;
        }
        return principal;
    }

    @Override
    public final void onMessage(WsSession session, String text, boolean last) {
        partial.append(text);
        if (!last) {
            if (partial.length() > MAX_FRAME) {
                end(1009, "a frame over 64 KiB");
                partial.setLength(0);
            }
            return;
        }
        String message = partial.toString();
        partial.setLength(0);
        if (!closed) {
            frame(message);
        }
    }

    /** Queues a control frame (an ack, an error, a pong); dropped if the queue is full, which cuts the client off anyway. */
    final void queue(String frame) {
        if (!closed && !out.offer(frame)) {
            tooSlow();
        }
    }

    /** Queues an event, waiting a little for room; false when there was none (the client is too slow). */
    final boolean offer(String frame) {
        return !closed && EventFace.offer(out, frame);
    }

    final void tooSlow() {
        end(TOO_SLOW, "too slow: " + out.size() + " events waiting (EVENTS_SUBSCRIBER_BUFFER)");
    }

    /** The only writer once the connection is open: frames, pings when idle, and the close when one is asked for. */
    private void sendLoop() {
        long lastSent = System.nanoTime();
        try {
            while (true) {
                if (closed) { // closing is set before closed: once closed is seen, so is a close asked for
                    closing.ifPresent(close -> {
                        if (close.getKey() != TOO_SLOW) { // what was queued before the close (its reason, say) goes first
                            for (String queued = out.poll(); queued != null; queued = out.poll()) {
                                session.send(queued, true);
                            }
                        }
                        session.close(close.getKey(), close.getValue());
                    });
                    return;
                }
                Optional<Problem> expired = recheck.flatMap(CredentialRecheck::verdict);
                if (expired.isPresent()) {
                    end(HttpErrors.closeCode(expired.get()), expired.get().message());
                    continue; // the close goes out at the top of the loop, after what is queued
                }
                String frame = out.poll(1, TimeUnit.SECONDS);
                if (frame == null) {
                    tick();
                }
                if (frame == null && System.nanoTime() - lastSent > PING_NANOS) {
                    // A protocol ping too: browsers answer it by themselves, and the server counts a
                    // connection whose client sends nothing as idle (closed after 5 minutes otherwise).
                    session.ping(io.helidon.common.buffers.BufferData.empty());
                    frame = Json.write(Map.of("type", "ping"));
                }
                if (frame != null && (closing.isEmpty() || closing.get().getKey() != TOO_SLOW)) {
                    session.send(frame, true);
                    lastSent = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("a WebSocket client went away: {}", e.toString());
            cleanUp();
        }
    }

    /** Stops the subscriptions at once and has the sender close the connection after what it is sending now. */
    final void end(int code, String reason) {
        if (closing.isEmpty()) {
            closing = Optional.of(Map.entry(code, clip(reason)));
        }
        cleanUp();
    }

    static String clip(String reason) {
        return reason.length() > 120 ? reason.substring(0, 120) : reason; // a close reason is at most 123 bytes
    }

    /** Closes one subscription's handle; a failure to close is the source's to log, not the client's to see. */
    static void close(AutoCloseable handle) {
        try {
            handle.close();
        } catch (Exception e) {
            LOG.debug("closing a subscription failed: {}", e.toString());
        }
    }

    private void cleanUp() {
        closed = true;
        subscriptions.values().forEach(FramedSocket::close);
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
