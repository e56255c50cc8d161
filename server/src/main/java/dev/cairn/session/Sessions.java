package dev.cairn.session;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.events.NatsLink;
import dev.cairn.fleet.ControlDatabase;
import dev.cairn.identity.JwtVerifier;
import dev.cairn.identity.Principal;
import dev.cairn.identity.SessionTokens;
import dev.cairn.sql.Checksums;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;

/**
 * Login sessions: an identity provider's token becomes a Cairn session (login), a session token
 * is answered for (validate, and as every face's credential), and a logout ends it everywhere at
 * once. The control database holds the truth (token hashes only); a NATS key-value bucket caches
 * it for every instance. A cached entry is honoured only until its own expiry and never after a
 * logout (a tombstone replaces it); with NATS away the database answers each request.
 */
public final class Sessions implements SessionTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** 32 random bytes: 256 bits, the token's whole secret. */
    private static final int TOKEN_BYTES = 32;

    private final SessionSettings settings;
    private final OidcVerifier oidc;
    private final SessionStore store;
    private final SessionCache cache;

    private Sessions(SessionSettings settings, SessionStore store, SessionCache cache) {
        this.settings = settings;
        this.oidc = new OidcVerifier(settings);
        this.store = store;
        this.cache = cache;
    }

    /** Sessions kept in {@code control}, cached through {@code nats} when Cairn has a NATS connection. */
    public static Sessions of(SessionSettings settings, ControlDatabase control, Optional<NatsLink> nats) {
        return new Sessions(settings, new SessionStore(control),
                new SessionCache(nats, settings.bucket(), settings.cacheTtl()));
    }

    /** A session just made: its token (shown once, never stored) and what it holds. */
    public record Login(String token, SessionRecord session) {
    }

    /**
     * Verifies an identity provider's token and opens a session of {@code hours} for its user;
     * {@code 401} for a token that does not verify, {@code 503 sessions_disabled} without a provider.
     */
    public Login login(String providerToken, double hours, Optional<String> clientIp, Optional<String> userAgent) {
        if (!(hours > 0) || hours * 3600 > settings.longest().toSeconds()) {
            throw CairnException.of(ErrorCode.VALIDATION_ERROR, "session_duration_hours must be more than 0 and at most "
                    + settings.longest().toHours());
        }
        JwtVerifier.Identity who = oidc.identify(providerToken);
        if (who.subject().isEmpty()) {
            throw CairnException.of(ErrorCode.UNAUTHORIZED, "the token names no subject (sub)");
        }
        Instant expires = Instant.now().plusSeconds(Math.round(hours * 3600)).truncatedTo(ChronoUnit.MILLIS);
        SessionRecord session = new SessionRecord(who.subject(), who.email(), who.name(), who.roles(), who.platform(),
                who.tenant(), expires);
        String token = newToken();
        String key = hash(token);
        store.create(key, session, new SessionStore.Client(clientIp, userAgent));
        cache.put(key, session, true);
        return new Login(token, session);
    }

    /** The live session of a token: empty when it is unknown, expired or logged out. */
    public Optional<SessionRecord> validate(String token) {
        if (!SessionTokens.looksLikeSession(token)) {
            return Optional.empty();
        }
        String key = hash(token);
        Optional<SessionCache.Cached> cached = cache.get(key);
        if (cached.isPresent()) {
            return switch (cached.get()) {
                case SessionCache.Hit hit -> Optional.of(hit.session()).filter(s -> s.expiresAt().isAfter(Instant.now()));
                case SessionCache.Revoked revoked -> Optional.empty();
            };
        }
        Optional<SessionRecord> live = store.live(key);
        live.ifPresent(s -> cache.put(key, s, false));
        return live;
    }

    @Override
    public Optional<Principal.Session> session(String token) {
        return validate(token).map(s -> principal(token, s));
    }

    /** The principal a live session of this token acts as. */
    public static Principal.Session principal(String token, SessionRecord s) {
        return new Principal.Session(hash(token).substring(0, 12), s.userId(), s.roles(), s.tenant(), s.platform());
    }

    /** Ends the session everywhere: the row revoked, the cache entry a tombstone. False when it was not live. */
    public boolean logout(String token) {
        if (!SessionTokens.looksLikeSession(token)) {
            return false;
        }
        String key = hash(token);
        boolean revoked = store.revoke(key);
        if (revoked) {
            cache.revoke(key); // an unknown token writes nothing: no one fills the bucket with tombstones
        }
        return revoked;
    }

    /** Removes long-ended sessions; run now and then by the gateway's housekeeping. */
    public int purge() {
        return store.purge();
    }

    private static String newToken() {
        byte[] secret = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static String hash(String token) {
        return Checksums.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }
}
