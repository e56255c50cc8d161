package dev.cairn.realm;

import dev.cairn.fleet.ControlDatabase;
import java.time.Duration;

/**
 * The realm tree's stores over one control database and one cache: the directory and realm writes,
 * members, contracts, policies, bridges, and the {@link RealmPolicies} the {@code Policy} consults.
 */
public record Realms(RealmStore realms, MemberStore members, ContractStore contracts, PolicyStore policies,
                     BridgeStore bridges, RealmPolicies rules) {

    /** How long another instance's writes may take to show here. */
    public static final Duration CACHE_TTL = Duration.ofSeconds(2);

    public static Realms open(ControlDatabase control) {
        return open(control, CACHE_TTL);
    }

    public static Realms open(ControlDatabase control, Duration ttl) {
        RealmCache cache = new RealmCache(control, ttl);
        return new Realms(new RealmStore(control, cache), new MemberStore(control, cache),
                new ContractStore(control, cache), new PolicyStore(control, cache), new BridgeStore(control),
                new RealmPolicies(cache::get));
    }

    /** The tree as the identity and mesh code read it. */
    public RealmDirectory directory() {
        return realms;
    }
}
