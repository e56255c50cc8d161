package dev.cairn.mesh;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.identity.Principal;
import dev.cairn.realm.RealmDirectory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The realm mesh's own credentials: a member's API key ({@code rm_…}) and the console's key
 * ({@code CONSOLE_API_KEY}), and the short-lived JWTs {@code POST /api/auth/token} gives for them,
 * signed with {@code REALM_TOKEN_SECRET} (HS256) and told apart from other JWTs by their issuer.
 * It is the authenticator's {@code CredentialProvider} for both, ahead of the JWT provider, which
 * would otherwise judge Cairn's own tokens. A member token names the member only: its realm, platform and tenant are read from the realm
 * store each time, so a member moved or deleted stops acting where it was at once.
 */
public final class MeshTokens implements dev.cairn.identity.CredentialProvider {

    private static final Logger LOG = LoggerFactory.getLogger(MeshTokens.class);
    public static final String ISSUER = "cairn-realm-mesh";
    public static final String MEMBER_KEY_PREFIX = "rm_";
    private static final String CONSOLE_SUBJECT = "nexus-console";

    private final RealmDirectory realms;
    private final Optional<byte[]> consoleKeyHash;
    private final byte[] secret;
    private final Duration ttl;
    /**
     * Tokens already verified, until they expire: a member sends the same token with every request,
     * and its signature need not be checked again each time. Bounded: emptied when it grows past
     * {@link #VERIFIED_MAX} (tokens are re-verified then, nothing is lost).
     */
    private final java.util.Map<String, JWTClaimsSet> verified = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int VERIFIED_MAX = 10_000;

    /** What {@code /api/auth/token} hands out. */
    public record Issued(String token, long expiresInSeconds) {
        /** The seed's form: "24h", "15m", "90s". */
        public String expiresIn() {
            long s = expiresInSeconds;
            return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
        }
    }

    public MeshTokens(RealmDirectory realms, Optional<String> consoleKey, Optional<String> secret, Duration ttl) {
        this.realms = realms;
        this.consoleKeyHash = consoleKey.filter(k -> !k.isBlank()).map(MeshTokens::sha256);
        this.ttl = ttl;
        if (secret.isPresent()) {
            this.secret = secret.get().getBytes(StandardCharsets.UTF_8);
        } else {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            this.secret = random;
            LOG.info("realm mesh: REALM_TOKEN_SECRET is not set; member tokens are signed with a key of this"
                    + " process only (set it to the same value on every instance)");
        }
    }

    /** A console or member key into a JWT; empty when the key is neither. */
    public Optional<Issued> exchange(String apiToken) {
        if (consoleKeyHash.isPresent() && MessageDigest.isEqual(consoleKeyHash.get(), sha256(apiToken))) {
            return Optional.of(sign(new JWTClaimsSet.Builder().subject(CONSOLE_SUBJECT).claim("type", "console")));
        }
        if (!apiToken.startsWith(MEMBER_KEY_PREFIX)) {
            return Optional.empty();
        }
        return realms.memberByApiKey(apiToken).map(m -> sign(new JWTClaimsSet.Builder().subject(m.memberId())
                .claim("memberId", m.memberId()).claim("realmId", m.realmId()).claim("type", "member")));
    }

    private Issued sign(JWTClaimsSet.Builder claims) {
        Instant now = Instant.now();
        claims.issuer(ISSUER).issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)));
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a member token failed", e);
        }
        return new Issued(jwt.serialize(), ttl.toSeconds());
    }

    /** Whether this bearer token is the mesh's own: a member key, or a JWT it issued. */
    @Override
    public boolean claims(String token) {
        if (token.startsWith(MEMBER_KEY_PREFIX)) {
            return true;
        }
        if (token.chars().filter(c -> c == '.').count() != 2) {
            return false;
        }
        try {
            return ISSUER.equals(SignedJWT.parse(token).getJWTClaimsSet().getIssuer());
        } catch (ParseException e) {
            return false;
        }
    }

    /** The principal of a token this class owns; {@code 401} when it is not valid. */
    @Override
    public Principal authenticate(String token) {
        if (token.startsWith(MEMBER_KEY_PREFIX)) {
            return realms.memberByApiKey(token).map(this::principal).orElseThrow(() -> CairnException.of(
                    ErrorCode.UNAUTHORIZED, "the member API key is not valid (unknown, rotated or deleted)"));
        }
        JWTClaimsSet claims = verified(token);
        if ("console".equals(claims.getClaim("type"))) {
            return new Principal.Console();
        }
        Object member = claims.getClaim("memberId");
        return realms.member(member instanceof String s ? s : "").map(this::principal).orElseThrow(() -> CairnException.of(
                ErrorCode.UNAUTHORIZED, "the member of this token no longer exists"));
    }

    /** A token's claims after its signature and expiry were checked; {@code 401} otherwise. */
    public JWTClaimsSet verified(String token) {
        JWTClaimsSet known = verified.get(token);
        if (known != null) {
            if (known.getExpirationTime().toInstant().isAfter(Instant.now())) {
                return known;
            }
            verified.remove(token);
        }
        JWTClaimsSet claims = verify(token);
        if (verified.size() >= VERIFIED_MAX) {
            verified.clear();
        }
        verified.put(token, claims);
        return claims;
    }

    private JWTClaimsSet verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(new MACVerifier(secret))) {
                throw CairnException.of(ErrorCode.UNAUTHORIZED, "the token's signature is not valid");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Date exp = claims.getExpirationTime();
            if (exp == null || exp.toInstant().isBefore(Instant.now())) {
                throw CairnException.of(ErrorCode.UNAUTHORIZED, "the token has expired");
            }
            return claims;
        } catch (ParseException | JOSEException e) {
            throw CairnException.of(ErrorCode.UNAUTHORIZED, "the token is not a valid JWT");
        }
    }

    /** A member as a principal: its platform and tenant are those of its realm's place in the tree. */
    public Principal.Member principal(RealmDirectory.Member m) {
        Optional<String> tenant = Optional.empty();
        Optional<String> platform = Optional.empty();
        List<RealmDirectory.Realm> line = new java.util.ArrayList<>();
        realms.realm(m.realmId()).ifPresent(line::add);
        line.addAll(realms.ancestors(m.realmId()));
        for (RealmDirectory.Realm r : line) {
            if (tenant.isEmpty() && r.realmType().equals("tenant") && r.realmId().contains("/")) {
                tenant = Optional.of(r.realmId().substring(r.realmId().indexOf('/') + 1));
            }
            if (r.parentRealmId().isEmpty()) {
                platform = Optional.of(r.realmId());
            }
        }
        return new Principal.Member(m.memberId(), m.realmId(), m.roles(), tenant, platform);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
