package dev.cairn.identity;

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
 * <p>What a token may do is {@link dev.cairn.policy.Policy}'s to decide; this class only issues
 * tokens and says whose they are.
 */
public final class PlatformTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "cairn_pt_";

    private final Registry registry;
    private final Map<String, String> platformByHash = new ConcurrentHashMap<>();

    public PlatformTokens(Registry registry) {
        this.registry = registry;
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

    /** The platform a token belongs to; empty for a token Cairn never issued. */
    public Optional<String> platformOf(String token) {
        String hash = hash(token);
        Optional<String> owner = Optional.ofNullable(platformByHash.get(hash)).or(() -> registry.tokenPlatform(hash));
        owner.ifPresent(p -> platformByHash.put(hash, p));
        return owner;
    }

    /** Every platform token starts with {@code cairn_pt_}, so a bearer is told apart by its shape. */
    static boolean looksLikePlatformToken(String token) {
        return token.startsWith(PREFIX);
    }

    private static String hash(String token) {
        return Checksums.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }
}
