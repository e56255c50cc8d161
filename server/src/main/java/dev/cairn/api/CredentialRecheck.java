package dev.cairn.api;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.identity.Authenticator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credentials of a long-lived connection (WebSocket or SSE), judged again every so often
 * ({@code CREDENTIALS_RECHECK_SECS}): a token that expired, a session that was logged out, a member
 * that was deleted or whose key was rotated ends the connection within one interval instead of
 * living as long as the connection does. Only a verdict on the credentials ends it: a store that
 * cannot answer now (the control database away) is asked again at the next interval. Used by one
 * thread at a time.
 */
final class CredentialRecheck {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialRecheck.class);

    private final Authenticator authenticator;
    private final Optional<String> credentials;
    private final Optional<X509Certificate> certificate;
    private final String address;
    private final long intervalNanos;
    private long dueAt;

    CredentialRecheck(Authenticator authenticator, Optional<String> credentials, Optional<X509Certificate> certificate,
                      String address, Duration interval) {
        this.authenticator = authenticator;
        this.credentials = credentials;
        this.certificate = certificate;
        this.address = address;
        this.intervalNanos = interval.toNanos();
        this.dueAt = System.nanoTime() + intervalNanos;
    }

    /** Empty while the credentials hold (cheap when no check is due); else why they no longer do. */
    Optional<Problem> verdict() {
        long now = System.nanoTime();
        if (now - dueAt < 0) {
            return Optional.empty();
        }
        dueAt = now + intervalNanos;
        try {
            authenticator.resolve(credentials, certificate, address);
            return Optional.empty();
        } catch (RuntimeException e) {
            if (e instanceof CairnException c
                    && (c.problem().code() == ErrorCode.UNAUTHORIZED || c.problem().code() == ErrorCode.FORBIDDEN)) {
                return Optional.of(Problem.of(c.problem().code(), "the connection's credentials are no longer valid: "
                        + c.problem().message()));
            }
            LOG.debug("the credentials of a connection could not be judged again now: {}", e.toString());
            return Optional.empty();
        }
    }
}
