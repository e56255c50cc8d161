package dev.cairn.api;

import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.identity.NetworkPolicy;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First stage of every request: assigns the request id (echoing a sane client-sent one), works out
 * the client address (socket peer; {@code X-Forwarded-For} only from trusted proxies) and applies
 * the network allow-list. {@code /health} may be exempt so load balancers can probe it.
 */
final class AccessFilter implements Filter {

    static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName FORWARDED_FOR = HeaderNames.create("X-Forwarded-For");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Logger LOG = LoggerFactory.getLogger("cairn.access");

    private final NetworkPolicy policy;
    private final boolean healthPublic;

    AccessFilter(NetworkPolicy policy, boolean healthPublic) {
        this.policy = policy;
        this.healthPublic = healthPublic;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long started = System.nanoTime();
        String requestId = req.headers().first(REQUEST_ID).filter(id -> SANE_ID.matcher(id).matches())
                .orElseGet(AccessFilter::newId);
        res.header(REQUEST_ID, requestId);
        InetAddress peer = ((InetSocketAddress) req.remotePeer().address()).getAddress();
        InetAddress client = policy.client(peer, req.headers().all(FORWARDED_FOR, List::of));
        req.context().register(new RequestInfo(requestId, client, started));
        boolean exempt = healthPublic && req.path().path().equals("/health");
        if (!exempt && !policy.allows(client)) {
            HttpErrors.send(res, Problem.of(ErrorCode.FORBIDDEN, "address " + client.getHostAddress()
                    + " is not allowed: it is outside ALLOWED_NETWORKS").with("client", client.getHostAddress()), requestId);
        } else {
            chain.proceed();
        }
        log(req, res, started);
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

    private static void log(RoutingRequest req, RoutingResponse res, long started) {
        int status = res.status().code();
        if (status >= 500 ? LOG.isWarnEnabled() : status >= 400 ? LOG.isInfoEnabled() : LOG.isDebugEnabled()) {
            String line = "{} {} {} {}ms";
            Object[] args = {req.prologue().method().text(), req.path().path(), status,
                    (System.nanoTime() - started) / 1_000_000};
            if (status >= 500) {
                LOG.warn(line, args);
            } else if (status >= 400) {
                LOG.info(line, args);
            } else {
                LOG.debug(line, args);
            }
        }
    }

    /** 16 random hex digits: unique enough to find one request in the logs, cheap to make. */
    private static String newId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
