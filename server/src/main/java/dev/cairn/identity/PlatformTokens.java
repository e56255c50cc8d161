package dev.cairn.identity;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.Registry;
import dev.cairn.sql.Checksums;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens good for one platform's schema and database routes (v4's
 * {@code POST /admin/platform-token}). Only their SHA-256 is stored; a token is shown once.
 *
 * <p>Who may call a platform route: a request without credentials passes (the network
 * allow-list is the gate, as in the StoneScript gateway); the admin token passes; a platform
 * token passes for its own platform only (403 for another's); any other bearer is a 401.
 */
public final class PlatformTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "cairn_pt_";

    private final Registry registry;
    private final AdminToken admin;
    private final Map<String, String> platformByHash = new ConcurrentHashMap<>();

    public PlatformTokens(Registry registry, AdminToken admin) {
        this.registry = registry;
        this.admin = admin;
    }

    /** A new token for a registered platform: 404 if there is no such platform. */
    public String issue(String platform) {
        registry.requirePlatform(platform, "");
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        registry.saveToken(platform, hash(token));
        return token;
    }

    /** Throws unless the {@code Authorization} header (if any) may act for {@code platform}. */
    public void authorize(Optional<String> authorization, String platform) {
        Optional<String> bearer = authorization.map(String::strip).filter(h -> !h.isEmpty());
        if (bearer.isEmpty()) {
            return;
        }
        if (!bearer.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw CairnException.of(ErrorCode.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'");
        }
        if (admin.enabled() && admin.matches(authorization)) {
            return;
        }
        String hash = hash(bearer.get().substring(7).strip());
        Optional<String> owner = Optional.ofNullable(platformByHash.get(hash)).or(() -> registry.tokenPlatform(hash));
        if (owner.isEmpty()) {
            throw CairnException.of(ErrorCode.UNAUTHORIZED, "the bearer token is not valid");
        }
        platformByHash.put(hash, owner.get());
        if (!owner.get().equals(platform)) {
            throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "this token belongs to another platform and"
                    + " cannot act for platform " + platform));
        }
    }

    private static String hash(String token) {
        return Checksums.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }
}
