package dev.cairn.realm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.policy.RealmRules;
import dev.cairn.policy.RealmRules.Operation;
import dev.cairn.realm.RealmDirectory.Realm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Capability-access and rate-limit rules over a realm tree held in memory: the seed's cross-realm
 * test (realm.root above realm.alpha and realm.beta, beta admitting alpha's pong calls), deny by
 * default, inheritance switched on and off, each kind of allowFrom, outbound rules, and globs that
 * are escaped (a '.' is a dot).
 */
class RealmPoliciesTest {

    /** A tree: each realm as "id:parent:inherit:policy,policy". */
    static RealmRules rules(Map<String, String> policies, String... realms) {
        Map<String, Realm> byId = new HashMap<>();
        Map<String, List<Realm>> children = new HashMap<>();
        for (String spec : realms) {
            String[] f = spec.split(":", -1);
            Realm r = new Realm("uuid-" + f[0], f[0], f[1].isEmpty() ? "root" : "service",
                    f[1].isEmpty() ? Optional.empty() : Optional.of(f[1]), Boolean.parseBoolean(f[2]),
                    f[3].isEmpty() ? List.of() : List.of(f[3].split(",")), Optional.empty(), Optional.empty());
            byId.put(r.realmId(), r);
            r.parentRealmId().ifPresent(p -> children.computeIfAbsent(p, k -> new ArrayList<>()).add(r));
        }
        Map<String, PolicyConfig> parsed = new HashMap<>();
        policies.forEach((name, json) -> {
            String type = json.contains("requestsPerMinute") ? PolicyConfig.RATE : PolicyConfig.ACCESS;
            parsed.put(name, PolicyConfig.parse(name, type, RealmJson.read(json)));
        });
        Snapshot s = new Snapshot(byId, children, Map.of(), Map.of(), Map.of(), Map.of(), parsed);
        return new RealmPolicies(() -> s);
    }

    static final String BETA = """
            {"rules": [{"capability": "pong*", "operations": ["call"], "direction": "inbound",
                        "allowFrom": {"realmIds": ["realm.alpha"]}}]}""";
    static final String ALPHA = """
            {"rules": [{"capability": "ping*", "operations": ["call", "subscribe"], "direction": "bidirectional",
                        "allowFrom": {"realmIds": ["realm.beta"]}}]}""";

    static RealmRules seed() {
        return rules(Map.of("beta-policy", BETA, "alpha-policy", ALPHA),
                "realm.root::true:", "realm.alpha:realm.root:true:alpha-policy", "realm.beta:realm.root:true:beta-policy");
    }

    @Test
    void the_seeds_ping_and_pong_are_both_delivered_and_nothing_else_is() {
        RealmRules r = seed();
        assertThat(r.denies("realm.alpha", "realm.beta", "pong-service", Operation.CALL)).isEmpty();
        assertThat(r.denies("realm.beta", "realm.alpha", "ping-service", Operation.CALL)).isEmpty();
        assertThat(r.denies("realm.alpha", "realm.beta", "pong-service", Operation.SUBSCRIBE)).get().asString()
                .contains("realm realm.alpha may not subscribe capability pong-service of realm realm.beta")
                .contains("no inbound rule of realm.beta's policies [beta-policy] covers it");
        assertThat(r.denies("realm.alpha", "realm.beta", "ping-service", Operation.CALL)).isPresent();
        assertThat(r.denies("realm.root", "realm.beta", "pong-service", Operation.CALL)).get().asString()
                .contains("do not admit realm.root");
    }

    @Test
    void a_realm_trusts_itself_and_unknown_realms_are_denied() {
        RealmRules r = seed();
        assertThat(r.denies("realm.beta", "realm.beta", "anything", Operation.LOOP)).isEmpty();
        assertThat(r.denies("realm.ghost", "realm.beta", "pong", Operation.CALL)).get().asString()
                .contains("realm realm.ghost does not exist");
    }

    @Test
    void parents_policies_apply_while_inherit_policies_holds() {
        String anyRealmDot = """
                {"rules": [{"capability": "status", "operations": ["*"], "allowFrom": {"realmPatterns": ["realm.*"]}}]}""";
        RealmRules on = rules(Map.of("root-policy", anyRealmDot),
                "realm.root::true:root-policy", "realm.alpha:realm.root:true:", "realm.beta:realm.root:true:",
                "realm.alpha/deep:realm.alpha:true:");
        assertThat(on.denies("realm.beta", "realm.alpha", "status", Operation.PUBLISH)).isEmpty();
        assertThat(on.denies("realm.beta", "realm.alpha/deep", "status", Operation.CALL)).isEmpty();
        RealmRules off = rules(Map.of("root-policy", anyRealmDot),
                "realm.root::true:root-policy", "realm.alpha:realm.root:false:", "realm.beta:realm.root:true:",
                "realm.alpha/deep:realm.alpha:true:");
        assertThat(off.denies("realm.beta", "realm.alpha", "status", Operation.CALL)).isPresent();
        assertThat(off.denies("realm.beta", "realm.alpha/deep", "status", Operation.CALL)).isPresent();
        assertThat(off.denies("realm.alpha", "realm.beta", "status", Operation.CALL)).isEmpty();
    }

    @Test
    void allow_from_admits_children_descendants_patterns_or_anyone() {
        Map<String, String> policies = Map.of(
                "children", rule("{\"childRealms\": true}"),
                "descendants", rule("{\"descendantRealms\": true}"),
                "anyone", rule("{\"anyRealm\": true}"));
        String[] tree = {"top::false:children", "top/a:top:false:descendants", "top/a/b:top/a:false:",
                "top/a/b/c:top/a/b:false:", "other::false:anyone"};
        RealmRules r = rules(policies, tree);
        assertThat(r.denies("top/a", "top", "x", Operation.CALL)).isEmpty();
        assertThat(r.denies("top/a/b", "top", "x", Operation.CALL)).isPresent();
        assertThat(r.denies("top/a/b/c", "top/a", "x", Operation.CALL)).isEmpty();
        assertThat(r.denies("top", "top/a", "x", Operation.CALL)).isPresent();
        assertThat(r.denies("top/a/b/c", "other", "x", Operation.LOOP)).isEmpty();
    }

    private static String rule(String allowFrom) {
        return "{\"rules\": [{\"capability\": \"*\", \"operations\": [\"*\"], \"allowFrom\": " + allowFrom + "}]}";
    }

    @Test
    void globs_are_escaped_so_a_dot_matches_only_a_dot() {
        RealmRules r = rules(Map.of("p", """
                {"rules": [{"capability": "svc.pong", "operations": ["call"],
                            "allowFrom": {"realmPatterns": ["realm.alpha", "team.*/api"]}}]}"""),
                "target::false:p", "realm.alpha::false:", "realmXalpha::false:", "team.one/api::false:",
                "team.one/x/api::false:");
        assertThat(r.denies("realm.alpha", "target", "svc.pong", Operation.CALL)).isEmpty();
        assertThat(r.denies("realmXalpha", "target", "svc.pong", Operation.CALL)).isPresent();
        assertThat(r.denies("realm.alpha", "target", "svcXpong", Operation.CALL)).isPresent();
        assertThat(r.denies("team.one/api", "target", "svc.pong", Operation.CALL)).isEmpty();
        assertThat(r.denies("team.one/x/api", "target", "svc.pong", Operation.CALL)).isPresent();
    }

    @Test
    void a_sources_outbound_rules_must_admit_the_target() {
        RealmRules r = rules(Map.of("beta-policy", BETA, "alpha-out", """
                {"rules": [{"capability": "pong*", "operations": ["call"], "direction": "outbound",
                            "allowTo": {"realmIds": ["realm.gamma"]}}]}"""),
                "realm.alpha::false:alpha-out", "realm.beta::false:beta-policy", "realm.gamma::false:beta-policy");
        assertThat(r.denies("realm.alpha", "realm.beta", "pong", Operation.CALL)).get().asString()
                .contains("the outbound rules of realm.alpha's policies [alpha-out] do not admit realm.beta");
        assertThat(r.denies("realm.alpha", "realm.gamma", "pong", Operation.CALL)).isEmpty();
        assertThat(r.denies("realm.alpha", "realm.beta", "pong", Operation.SUBSCRIBE)).get().asString()
                .contains("no inbound rule"); // the outbound rule covers calls only; beta admits no subscription
    }

    @Test
    void rate_limits_come_own_first_then_inherited() {
        RealmRules r = rules(Map.of(
                "own", "{\"rules\": [{\"per\": \"member\", \"requestsPerMinute\": 60, \"burst\": 5}]}",
                "inherited", "{\"rules\": [{\"per\": \"realm\", \"requestsPerMinute\": 600, \"burst\": 50, \"routes\": [\"mesh:*\"]}]}"),
                "p::true:inherited", "p/c:p:true:own", "p/d:p:false:own");
        assertThat(r.rateLimits("p/c")).extracting(RealmRules.RateRule::policy).containsExactly("own", "inherited");
        assertThat(r.rateLimits("p/c").get(1).routes()).containsExactly("mesh:*");
        assertThat(r.rateLimits("p/d")).extracting(RealmRules.RateRule::policy).containsExactly("own");
        assertThat(r.rateLimits("nowhere")).isEmpty();
    }

    @Test
    void configs_with_unknown_keys_or_wrong_types_are_refused_naming_the_path() {
        assertRefused(PolicyConfig.ACCESS, "{\"rules\": [{\"capability\": \"x\", \"operations\": [\"call\"], \"allowFrom\": {}}]}",
                "config.rules[0].allowFrom");
        assertRefused(PolicyConfig.ACCESS, "{\"rules\": [{\"capability\": \"x\", \"operations\": [\"fly\"], \"allowFrom\": {\"anyRealm\": true}}]}",
                "config.rules[0].operations[0]");
        assertRefused(PolicyConfig.ACCESS, "{\"rules\": [{\"capability\": \"x\", \"operations\": [\"call\"], \"allowFrom\": {\"anyRealm\": \"yes\"}}]}",
                "config.rules[0].allowFrom.anyRealm");
        assertRefused(PolicyConfig.ACCESS, "{\"rules\": [{\"capability\": \"x\", \"operations\": [\"call\"], \"direction\": \"outbound\"}]}",
                "config.rules[0].allowTo");
        assertRefused(PolicyConfig.RATE, "{\"rules\": [{\"per\": \"member\", \"requestsPerMinute\": 10, \"burst\": 0}]}",
                "config.rules[0].burst");
        assertRefused(PolicyConfig.RATE, "{\"rules\": [{\"per\": \"planet\", \"requestsPerMinute\": 10, \"burst\": 1}]}",
                "config.rules[0].per");
        assertRefused(PolicyConfig.RATE, "{\"rules\": [], \"extra\": 1}", "config.extra");
    }

    private static void assertRefused(String type, String json, String path) {
        JsonNode config = RealmJson.read(json);
        assertThatThrownBy(() -> PolicyConfig.parse("p", type, config)).isInstanceOf(CairnException.class)
                .satisfies(e -> assertThat(((CairnException) e).problem().fields().get("field")).isEqualTo(path));
    }
}
