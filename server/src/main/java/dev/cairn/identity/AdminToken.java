package dev.cairn.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The admin bearer token. Compared in constant time over SHA-256 digests, so neither the
 * content nor the length of the configured token leaks through timing.
 */
public final class AdminToken {

    private final Optional<byte[]> digest;
    private final boolean jwtShaped;

    private AdminToken(Optional<byte[]> digest, boolean jwtShaped) {
        this.digest = digest;
        this.jwtShaped = jwtShaped;
    }

    public static AdminToken of(Optional<String> configured) {
        Optional<String> token = configured.filter(t -> !t.isEmpty());
        return new AdminToken(token.map(AdminToken::sha256), token.filter(Authenticator::looksLikeJwt).isPresent());
    }

    /**
     * Whether the configured token has a JWT's shape. When it has not, a JWT-shaped bearer cannot be
     * it, and the data API's every request is spared hashing its token (all that tells a timing
     * observer is this one bit of the token's shape).
     */
    boolean jwtShaped() {
        return jwtShaped;
    }

    public boolean enabled() {
        return digest.isPresent();
    }

    /** True when the header carries the admin token (false when admin routes are disabled). */
    public boolean matches(Optional<String> authorization) {
        if (digest.isEmpty()) {
            return false;
        }
        return authorization
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> matchesToken(h.substring(7).trim()))
                .orElse(false);
    }

    /** True when the bearer token is the admin token (false when admin routes are disabled). */
    boolean matchesToken(String token) {
        return digest.isPresent() && MessageDigest.isEqual(digest.get(), sha256(token));
    }

    static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
