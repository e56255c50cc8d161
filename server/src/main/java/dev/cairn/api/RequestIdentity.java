package dev.cairn.api;

import dev.cairn.identity.Authenticator;
import dev.cairn.identity.Principal;
import dev.cairn.policy.Action;
import dev.cairn.policy.Policy;
import io.helidon.webserver.http.ServerRequest;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * Who the current request acts as, kept in its context by the access filter. The principal is
 * resolved from the {@code Authorization} header (else the verified client certificate of a request
 * over the TLS listener) the first time a route needs it and then kept for
 * the rest of the request, so a route that takes no credentials never looks at them. Every route
 * asks {@link Policy} through here; none checks a token itself. A request runs on one thread, so
 * the memo needs no lock.
 */
final class RequestIdentity {

    private final Authenticator authenticator;
    private final Policy policy;
    private final dev.cairn.policy.RateGate rates;
    private final Optional<String> authorization;
    private final Optional<X509Certificate> certificate;
    private final InetAddress client;
    private Principal principal;

    RequestIdentity(Authenticator authenticator, Policy policy, dev.cairn.policy.RateGate rates,
                    Optional<String> authorization, Optional<X509Certificate> certificate, InetAddress client) {
        this.authenticator = authenticator;
        this.policy = policy;
        this.rates = rates;
        this.authorization = authorization;
        this.certificate = certificate;
        this.client = client;
    }

    static RequestIdentity of(ServerRequest req) {
        return req.context().get(RequestIdentity.class)
                .orElseThrow(() -> new IllegalStateException("the access filter did not run"));
    }

    /** The request's principal: 401 for credentials that are not valid. */
    Principal principal() {
        if (principal == null) {
            principal = authenticator.resolve(authorization, certificate, client.getHostAddress());
        }
        return principal;
    }

    /** The request's credentials, to be judged again while a long-lived answer (SSE) goes on. */
    CredentialRecheck recheck(java.time.Duration every) {
        return new CredentialRecheck(authenticator, authorization, certificate, client.getHostAddress(), every);
    }

    /**
     * The rate limits of the realm the request's principal acts in, for the route it matched: one
     * token from each bucket, the tightest one's {@code RateLimit} headers on the answer, and
     * {@code 429} when one is empty. Only requests with credentials act in a realm; credentials that
     * are not valid are left for the route to refuse (or ignore, if it takes none).
     */
    void throttle(String route, Optional<String> tenant, java.util.function.BiConsumer<String, String> header) {
        if (authorization.isEmpty() && certificate.isEmpty()) {
            return;
        }
        Principal who;
        try {
            who = principal();
        } catch (dev.cairn.error.CairnException e) {
            return;
        }
        rates.take(who, tenant, route).ifPresent(d -> d.headers(header));
    }

    /** Throws the error the client should see unless the request may perform {@code action}. */
    void authorize(Action action) {
        policy.authorize(this::principal, action);
    }

    /** The admin token, or the error a client of an {@code /admin} route should see. */
    static void administer(ServerRequest req) {
        of(req).authorize(new Action.Administer());
    }

    /** The platform's own token, the admin token or no credentials; another platform's token is 403. */
    static void actFor(ServerRequest req, String platform) {
        of(req).authorize(new Action.ActForPlatform(platform));
    }

    /** How the audit log names who asked. */
    static String actor(ServerRequest req) {
        return of(req).principal().actor();
    }
}
