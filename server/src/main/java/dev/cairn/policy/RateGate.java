package dev.cairn.policy;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.identity.Principal;
import dev.cairn.ratelimit.Bucket;
import dev.cairn.ratelimit.Decision;
import dev.cairn.ratelimit.RateLimiter;
import java.util.List;
import java.util.Optional;

/**
 * Rate limits, decided after the policy allowed a request: the {@code rate-limit} rules of the
 * realm the principal acts in (a member's realm; a user's or platform token's tenant realm
 * {@code <platform>/<tenant>}, or the platform's root realm), each one token bucket per key
 * (member, realm, platform, tenant or route, as the rule says), taken from the {@link RateLimiter}
 * (this instance's, or Redis shared by all instances). The admin token, the console and requests
 * without credentials act in no realm and are not limited here (the network allow-list is their gate).
 */
public final class RateGate {

    private final RealmRules rules;
    private final RateLimiter limiter;
    /** Route patterns compiled once: rules are few, requests many. */
    private final java.util.Map<String, Glob> globs = new java.util.concurrent.ConcurrentHashMap<>();

    public RateGate(RealmRules rules, RateLimiter limiter) {
        this.rules = rules;
        this.limiter = limiter;
    }

    /** No limits at all. */
    public static final RateGate NONE = new RateGate(RealmRules.NONE, (key, bucket) -> {
        throw new IllegalStateException("no buckets");
    });

    /**
     * Takes one token from every bucket that applies to this principal on this route; the decision
     * whose headers the answer should carry (the one with the fewest tokens left), or empty when no
     * rule applies. An empty bucket is {@code 429 rate_limited} (its {@code Retry-After} in
     * {@code retry_after_seconds}); a store that is down under fail mode {@code closed} is
     * {@code 503 rate_limiter_unavailable}.
     */
    public Optional<Decision> take(Principal principal, Optional<String> tenantHint, String route) {
        Optional<String> realm = realmOf(principal, tenantHint);
        if (realm.isEmpty()) {
            return Optional.empty();
        }
        List<RealmRules.RateRule> applicable = rules.rateLimits(realm.get()).stream()
                .filter(r -> r.routes().isEmpty() || r.routes().stream().anyMatch(g -> glob(g).matches(route)))
                .toList();
        Decision tightest = null;
        for (RealmRules.RateRule rule : applicable) {
            Optional<String> subject = subject(rule.per(), principal, realm.get(), tenantHint, route);
            if (subject.isEmpty()) {
                continue;
            }
            Decision d = limiter.take(rule.policy() + ":" + rule.per() + ":" + subject.get(),
                    new Bucket((int) Math.max(1, Math.round(rule.requestsPerMinute())), rule.burst()));
            switch (d.outcome()) {
                case LIMITED -> throw new CairnException(Problem.of(ErrorCode.RATE_LIMITED, "rate limit of policy "
                        + rule.policy() + " reached (" + rule.burst() + " at once, " + rule.requestsPerMinute()
                        + " a minute per " + rule.per() + "): retry in " + d.retryAfterSeconds() + " s")
                        .with("policy", rule.policy()).with("retry_after_seconds", d.retryAfterSeconds())
                        .with("retry_after_ms", d.retryAfterSeconds() * 1000L).with("rate_limit", d.headers()));
                case UNAVAILABLE -> throw CairnException.of(ErrorCode.RATE_LIMITER_UNAVAILABLE,
                        "the rate limiter's store is unreachable and RATE_LIMIT_FAIL_MODE is closed");
                case UNMETERED -> {
                }
                case ALLOWED -> {
                    if (tightest == null || d.remaining() < tightest.remaining()) {
                        tightest = d;
                    }
                }
            }
        }
        return Optional.ofNullable(tightest);
    }

    private Glob glob(String pattern) {
        Glob g = globs.get(pattern);
        if (g == null) {
            g = Glob.of(pattern);
            if (globs.size() < 10_000) {
                globs.put(pattern, g);
            }
        }
        return g;
    }

    /** The realm a principal acts in, as far as its limits are concerned. */
    static Optional<String> realmOf(Principal principal, Optional<String> tenantHint) {
        return switch (principal) {
            case Principal.Member m -> Optional.of(m.realmId());
            case Principal.Claims c -> c.platform().map(p -> c.tenant().or(() -> tenantHint).map(t -> p + "/" + t).orElse(p));
            case Principal.PlatformToken t -> Optional.of(tenantHint.map(x -> t.platform() + "/" + x).orElse(t.platform()));
            case Principal.Admin a -> Optional.empty();
            case Principal.Console c -> Optional.empty();
            case Principal.Network n -> Optional.empty();
        };
    }

    private static Optional<String> subject(String per, Principal principal, String realm, Optional<String> tenantHint,
                                            String route) {
        Optional<String> platform = switch (principal) {
            case Principal.Claims c -> c.platform();
            case Principal.PlatformToken t -> Optional.of(t.platform());
            default -> Optional.empty();
        };
        Optional<String> tenant = principal instanceof Principal.Claims c ? c.tenant().or(() -> tenantHint) : tenantHint;
        return switch (per) {
            case "member" -> Optional.of(principal.actor());
            case "realm" -> Optional.of(realm);
            case "platform" -> platform.or(() -> Optional.of(realm));
            case "tenant" -> tenant.map(t -> platform.orElse(realm) + "/" + t);
            case "route" -> Optional.of(realm + " " + route);
            default -> Optional.empty();
        };
    }
}
