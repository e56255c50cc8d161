package dev.cairn.api;

import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.identity.Authenticator;
import dev.cairn.identity.NetworkPolicy;
import dev.cairn.metrics.Metrics;
import dev.cairn.policy.Policy;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * First stage of every request: assigns the request id (echoing a sane client-sent one), works out
 * the client address (socket peer; {@code X-Forwarded-For} only from trusted proxies) and applies
 * the network allow-list. {@code /health} may be exempt so load balancers can probe it.
 *
 * <p>Last stage too: every request is counted in the {@link Metrics} by its route template and
 * writes one access line. The request's log fields live in the MDC ({@code request_id} here,
 * {@code platform}/{@code tenant} from {@link #subject} once a route has read them), so every line
 * logged while it runs carries them. The MDC is per thread and Helidon reuses a connection's
 * thread for its next request, so it is cleared when the request ends.
 */
final class AccessFilter implements Filter {

    static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Logger LOG = LoggerFactory.getLogger("cairn.access");

    private static final int MAX_SUBJECT_CHARS = 128;

    private final NetworkPolicy network;
    private final boolean healthPublic;
    private final Metrics metrics;
    private final Authenticator authenticator;
    private final Policy policy;
    private final dev.cairn.policy.RateGate rates;

    AccessFilter(NetworkPolicy network, boolean healthPublic, Metrics metrics, Authenticator authenticator,
                 Policy policy, dev.cairn.policy.RateGate rates) {
        this.rates = rates;
        this.network = network;
        this.healthPublic = healthPublic;
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.policy = policy;
    }

    /**
     * Names the platform (and tenant or database id) the current request acts on, for its log
     * lines; a route calls it once it has read them from the request. Values are the client's,
     * so they are clipped (the log encoder escapes them).
     */
    static void subject(String platform, Optional<String> tenant) {
        MDC.put("platform", clip(platform));
        tenant.ifPresentOrElse(t -> MDC.put("tenant", clip(t)), () -> MDC.remove("tenant"));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long started = System.nanoTime();
        String requestId = req.headers().first(REQUEST_ID).filter(id -> SANE_ID.matcher(id).matches())
                .orElseGet(AccessFilter::newId);
        res.header(REQUEST_ID, requestId);
        MDC.put("request_id", requestId);
        boolean answered = false;
        try {
            InetAddress peer = ((InetSocketAddress) req.remotePeer().address()).getAddress();
            InetAddress client = network.client(peer, req.headers().all(FORWARDED_FOR, List::of));
            req.context().register(new RequestInfo(requestId, client, started));
            req.context().register(new RequestIdentity(authenticator, policy, rates,
                    Credentials.authorization(req.headers()), ClientCertificate.of(req.remotePeer()), client));
            boolean exempt = healthPublic && req.path().path().equals("/health");
            if (!exempt && !network.allows(client)) {
                HttpErrors.send(res, Problem.of(ErrorCode.FORBIDDEN, "address " + client.getHostAddress()
                        + " is not allowed: it is outside ALLOWED_NETWORKS").with("client", client.getHostAddress()),
                        requestId);
            } else {
                chain.proceed();
            }
            answered = true;
        } finally {
            finish(req, res, started, answered);
        }
        if (closeRequested(req)) {
            // Helidon 4.3 answers "Connection: close" but then waits for another request on the socket
            // (helidon#12324). Clients that read to the end of the stream, such as PHP's file_get_contents
            // in the StoneScriptPHP CLI, would hang until their timeout: the response is written, so end it here.
            throw new CloseConnectionException("the client asked for Connection: close");
        }
    }

    private static boolean closeRequested(RoutingRequest req) {
        return req.headers().first(HeaderNames.CONNECTION)
                .map(v -> java.util.Arrays.stream(v.split(",")).anyMatch(t -> t.strip().equalsIgnoreCase("close")))
                .orElse(false);
    }

    /** An exception that escaped routing is answered 500 by Helidon after this filter returns. */
    private void finish(RoutingRequest req, RoutingResponse res, long started, boolean answered) {
        try {
            long nanos = System.nanoTime() - started;
            int status = answered ? res.status().code() : 500;
            String method = req.prologue().method().text();
            String route = req.context().get(MatchedRoute.class).map(MatchedRoute::template).orElse(Metrics.UNMATCHED);
            metrics.request(method, route, status, nanos);
            log(method, req.path().path(), route, status, nanos / 1_000_000);
        } finally {
            MDC.clear();
        }
    }

    private static void log(String method, String path, String route, int status, long millis) {
        Level level = status >= 500 ? Level.WARN : status >= 400 ? Level.INFO : Level.DEBUG;
        if (!LOG.isEnabledForLevel(level)) {
            return;
        }
        MDC.put("route", route);
        LOG.atLevel(level).setMessage("{} {} {} {}ms").addArgument(method).addArgument(printable(path))
                .addArgument(status).addArgument(millis)
                .addKeyValue("method", method).addKeyValue("path", path).addKeyValue("status", status)
                .addKeyValue("duration_ms", millis).log();
    }

    /** The decoded path may hold a line break ({@code %0A}): never one that forges a log line. */
    private static String printable(String text) {
        StringBuilder b = new StringBuilder(text.length());
        text.chars().forEach(c -> b.append(c < 0x20 || c == 0x7f ? '?' : (char) c));
        return b.toString();
    }

    private static String clip(String value) {
        return value.length() <= MAX_SUBJECT_CHARS ? value : value.substring(0, MAX_SUBJECT_CHARS) + "...";
    }

    /** 16 random hex digits: unique enough to find one request in the logs, cheap to make. */
    private static String newId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
