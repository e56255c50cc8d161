package dev.cairn.realm;

import dev.cairn.policy.RealmRules;
import dev.cairn.realm.PolicyConfig.AccessRule;
import dev.cairn.realm.PolicyConfig.RealmSelector;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link RealmRules} over the realm tree's policies (docs/policies.md). Deny by default: the target
 * realm's effective policies must hold an inbound or bidirectional rule covering the capability and
 * operation whose {@code allowFrom} admits the source, and when the source's effective policies hold
 * outbound rules (outbound ones, and bidirectional ones with {@code allowTo}) covering them, one must
 * admit the target. {@code childRealms} and {@code descendantRealms} are read relative to the realm
 * being judged: the target for {@code allowFrom}, the source for {@code allowTo}. Reads a
 * {@link Snapshot}; nothing here touches the database.
 */
public final class RealmPolicies implements RealmRules {

    private final Supplier<Snapshot> snapshot;

    RealmPolicies(Supplier<Snapshot> snapshot) {
        this.snapshot = snapshot;
    }

    @Override
    public Optional<String> denies(String fromRealm, String toRealm, String capability, Operation operation) {
        if (fromRealm.equals(toRealm)) {
            return Optional.empty();
        }
        Snapshot s = snapshot.get();
        String action = "realm " + fromRealm + " may not " + operation.wire() + " capability " + capability
                + " of realm " + toRealm;
        if (s.realm(toRealm).isEmpty() || s.realm(fromRealm).isEmpty()) {
            return Optional.of(action + ": realm " + (s.realm(toRealm).isEmpty() ? toRealm : fromRealm) + " does not exist");
        }
        List<PolicyConfig> targetPolicies = s.effectivePolicies(toRealm);
        List<AccessRule> inbound = rules(targetPolicies, capability, operation, true);
        if (inbound.stream().noneMatch(r -> admits(s, r.allowFrom().orElseThrow(), toRealm, fromRealm))) {
            return Optional.of(action + ": " + (inbound.isEmpty()
                    ? "no inbound rule of " + toRealm + "'s policies " + names(targetPolicies) + " covers it"
                    : "the inbound rules of " + toRealm + "'s policies " + names(targetPolicies) + " do not admit " + fromRealm));
        }
        List<PolicyConfig> sourcePolicies = s.effectivePolicies(fromRealm);
        List<AccessRule> outbound = rules(sourcePolicies, capability, operation, false);
        if (!outbound.isEmpty() && outbound.stream().noneMatch(r -> admits(s, r.allowTo().orElseThrow(), fromRealm, toRealm))) {
            return Optional.of(action + ": the outbound rules of " + fromRealm + "'s policies " + names(sourcePolicies)
                    + " do not admit " + toRealm);
        }
        return Optional.empty();
    }

    @Override
    public List<String> policyNames(String realmId) {
        return snapshot.get().effectivePolicies(realmId).stream().map(PolicyConfig::name).toList();
    }

    @Override
    public List<RateRule> rateLimits(String realmId) {
        return snapshot.get().effectivePolicies(realmId).stream().flatMap(p -> p.rates().stream()).toList();
    }

    private static List<AccessRule> rules(List<PolicyConfig> policies, String capability, Operation operation,
                                          boolean inbound) {
        return policies.stream().flatMap(p -> p.access().stream())
                .filter(r -> inbound ? r.inbound() : r.outbound())
                .filter(r -> r.covers(capability, operation))
                .toList();
    }

    /** Whether {@code selector}, read from {@code judged}'s side, admits {@code candidate}. */
    static boolean admits(Snapshot s, RealmSelector selector, String judged, String candidate) {
        if (selector.anyRealm() || selector.realmIds().contains(candidate)
                || selector.realmPatterns().stream().anyMatch(g -> g.matches(candidate))) {
            return true;
        }
        if (selector.childRealms() && s.realm(candidate).flatMap(RealmDirectory.Realm::parentRealmId)
                .filter(judged::equals).isPresent()) {
            return true;
        }
        return selector.descendantRealms()
                && s.ancestors(candidate).stream().anyMatch(a -> a.realmId().equals(judged));
    }

    private static List<String> names(List<PolicyConfig> policies) {
        return policies.stream().map(PolicyConfig::name).toList();
    }
}
