package dev.cairn.ratelimit;

/**
 * Decides whether a request may go on. Safe for any number of threads; never throws because its
 * store is away (what it answers then is the configured fail mode's, see {@link RateLimitSettings.FailMode}).
 */
public interface RateLimiter {

    /**
     * Takes one token from the bucket {@code key} (a member, realm, platform, tenant or route, as the
     * policy names it), made with the shape {@code bucket} on first use.
     */
    Decision take(String key, Bucket bucket);
}
