package dev.cairn.server;

import dev.cairn.ratelimit.RateLimitSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The environment's word on rate limiting: where buckets live and what happens while that store is away. */
final class RateLimitConfig {

    private RateLimitConfig() {
    }

    static RateLimitSettings rateLimits(Env env) {
        RateLimitSettings.Store store = RateLimitSettings.Store.valueOf(
                env.oneOf("RATE_LIMIT_STORE", List.of("local", "redis")).toUpperCase(Locale.ROOT));
        RateLimitSettings.FailMode failMode = RateLimitSettings.FailMode.valueOf(
                env.oneOf("RATE_LIMIT_FAIL_MODE", List.of("local", "open", "closed")).toUpperCase(Locale.ROOT));
        return new RateLimitSettings(store, redisUrl(env), failMode,
                Duration.ofMillis(env.integer("RATE_LIMIT_REDIS_TIMEOUT_MS", 100, 1, 60_000)));
    }

    private static URI redisUrl(Env env) {
        String raw = env.string("RATE_LIMIT_REDIS_URL", RateLimitSettings.DEFAULT_REDIS_URL.toString());
        URI url;
        try {
            url = new URI(raw);
        } catch (URISyntaxException e) {
            throw Env.bad("RATE_LIMIT_REDIS_URL", "not a URL: " + e.getReason());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!List.of("redis", "rediss").contains(scheme) || url.getHost() == null) {
            throw Env.bad("RATE_LIMIT_REDIS_URL", "use redis://[[user]:password@]host[:port][/db] (or rediss:// for TLS)");
        }
        String path = url.getPath() == null ? "" : url.getPath();
        if (!path.isEmpty() && !path.matches("/\\d{0,2}")) {
            throw Env.bad("RATE_LIMIT_REDIS_URL", "the path can only be a database number, like /0");
        }
        return url;
    }
}
