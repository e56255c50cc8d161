package dev.cairn.policy;

import java.util.List;
import java.util.Optional;

/**
 * The realm tree's policies as the {@link Policy} reads them: capability-access rules (who may call,
 * subscribe to or publish a capability of a realm) and rate limits, each realm's own followed by its
 * ancestors' while {@code inheritPolicies} holds. Implemented by the realm store; answers come from
 * a cache the store replaces when a realm or policy changes.
 */
public interface RealmRules {

    /** What a realm-to-realm action does with a capability. */
    enum Operation {
        CALL("call"), SUBSCRIBE("subscribe"), PUBLISH("publish"), LOOP("loop");

        private final String wire;

        Operation(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    /**
     * Why {@code fromRealm} may not perform {@code operation} on {@code capability} of {@code toRealm};
     * empty when a rule allows it. Deny by default: the target realm's effective policies must
     * have an inbound (or bidirectional) rule for the capability and operation whose {@code allowFrom}
     * admits the source realm, and when the source realm's effective policies have outbound rules
     * for the capability, one of them must admit the target ({@code allowTo}). A realm trusts itself.
     */
    Optional<String> denies(String fromRealm, String toRealm, String capability, Operation operation);

    /** The names of the policies that apply to this realm: its own, then inherited ones, each once. */
    List<String> policyNames(String realmId);

    /** The rate limits that apply to requests acting in this realm: its own, then inherited ones. */
    List<RateRule> rateLimits(String realmId);

    /**
     * One token bucket rule of a {@code rate-limit} policy.
     *
     * @param policy the policy's name (the bucket key includes it, so two policies never share a bucket)
     * @param per what one bucket counts: {@code member}, {@code realm}, {@code platform}, {@code tenant} or {@code route}
     * @param requestsPerMinute the refill rate
     * @param burst the bucket's size
     * @param routes route templates (globs) the rule covers; empty covers every route and mesh call
     */
    record RateRule(String policy, String per, double requestsPerMinute, int burst, List<String> routes) {
        public RateRule {
            routes = List.copyOf(routes);
        }
    }

    /** No realms: every cross-realm action is denied, nothing is rate-limited. */
    RealmRules NONE = new RealmRules() {
        @Override
        public Optional<String> denies(String fromRealm, String toRealm, String capability, Operation operation) {
            return fromRealm.equals(toRealm) ? Optional.empty() : Optional.of("no realm policies are configured");
        }

        @Override
        public List<String> policyNames(String realmId) {
            return List.of();
        }

        @Override
        public List<RateRule> rateLimits(String realmId) {
            return List.of();
        }
    };
}
