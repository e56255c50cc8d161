package dev.cairn.realm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.policy.Glob;
import dev.cairn.policy.RealmRules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A policy's {@code config} read strictly (docs/policies.md): {@code capability-access} rules or
 * {@code rate-limit} rules. Patterns become {@link Glob}s here, once, when the policy is written or
 * loaded, so evaluation never compiles anything and never sees a raw regular expression.
 */
record PolicyConfig(String name, String type, List<AccessRule> access, List<RealmRules.RateRule> rates) {

    static final String ACCESS = "capability-access";
    static final String RATE = "rate-limit";
    static final Set<String> TYPES = Set.of(ACCESS, RATE);

    private static final Set<String> OPERATIONS = Set.of("call", "subscribe", "publish", "loop", "*");
    private static final Set<String> DIRECTIONS = Set.of("inbound", "outbound", "bidirectional");
    private static final Set<String> PER = Set.of("member", "realm", "platform", "tenant", "route");

    /**
     * One capability-access rule.
     *
     * @param operations wire names ({@code call}, ...), or {@code *}
     */
    record AccessRule(Glob capability, Set<String> operations, String direction, Optional<RealmSelector> allowFrom,
                      Optional<RealmSelector> allowTo) {

        boolean covers(String capabilityName, RealmRules.Operation operation) {
            return capability.matches(capabilityName)
                    && (operations.contains("*") || operations.contains(operation.wire()));
        }

        boolean inbound() {
            return !direction.equals("outbound");
        }

        /** Outbound rules constrain where the owning realm may reach: outbound ones, and bidirectional ones with allowTo. */
        boolean outbound() {
            return direction.equals("outbound") || (direction.equals("bidirectional") && allowTo.isPresent());
        }
    }

    /** Which realms a rule admits, relative to the realm being judged ({@code childRealms}: its children). */
    record RealmSelector(List<String> realmIds, List<Glob> realmPatterns, boolean childRealms,
                         boolean descendantRealms, boolean anyRealm) {
    }

    static PolicyConfig parse(String name, String type, JsonNode config) {
        Fields.only(config, "config", Set.of("rules"));
        List<JsonNode> rules = Fields.array(config, "config", "rules", true);
        List<AccessRule> access = new ArrayList<>();
        List<RealmRules.RateRule> rates = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            String path = "config.rules[" + i + "]";
            if (type.equals(ACCESS)) {
                access.add(accessRule(rules.get(i), path));
            } else {
                rates.add(rateRule(name, rules.get(i), path));
            }
        }
        return new PolicyConfig(name, type, List.copyOf(access), List.copyOf(rates));
    }

    private static AccessRule accessRule(JsonNode rule, String path) {
        Fields.only(rule, path, Set.of("capability", "operations", "direction", "allowFrom", "allowTo"));
        Glob capability = Glob.of(Fields.requiredText(rule, path, "capability"));
        List<String> ops = Fields.strings(rule, path, "operations")
                .orElseThrow(() -> Fields.invalid(path + ".operations", "is required (call, subscribe, publish, loop or *)"));
        if (ops.isEmpty()) {
            throw Fields.invalid(path + ".operations", "must name at least one operation");
        }
        for (int i = 0; i < ops.size(); i++) {
            if (!OPERATIONS.contains(ops.get(i))) {
                throw Fields.invalid(path + ".operations[" + i + "]", "must be call, subscribe, publish, loop or *");
            }
        }
        String direction = Fields.text(rule, path, "direction").orElse("inbound");
        if (!DIRECTIONS.contains(direction)) {
            throw Fields.invalid(path + ".direction", "must be inbound, outbound or bidirectional");
        }
        Optional<RealmSelector> from = Fields.objectField(rule, path, "allowFrom").map(s -> selector(s, path + ".allowFrom"));
        Optional<RealmSelector> to = Fields.objectField(rule, path, "allowTo").map(s -> selector(s, path + ".allowTo"));
        if (!direction.equals("outbound") && from.isEmpty()) {
            throw Fields.invalid(path + ".allowFrom", "is required for an " + direction + " rule");
        }
        if (direction.equals("outbound") && to.isEmpty()) {
            throw Fields.invalid(path + ".allowTo", "is required for an outbound rule");
        }
        if (direction.equals("outbound") && from.isPresent()) {
            throw Fields.invalid(path + ".allowFrom", "applies to inbound and bidirectional rules, not outbound ones");
        }
        if (direction.equals("inbound") && to.isPresent()) {
            throw Fields.invalid(path + ".allowTo", "applies to outbound and bidirectional rules, not inbound ones");
        }
        return new AccessRule(capability, Set.copyOf(new LinkedHashSet<>(ops)), direction, from, to);
    }

    private static RealmSelector selector(JsonNode node, String path) {
        Fields.only(node, path, Set.of("realmIds", "realmPatterns", "childRealms", "descendantRealms", "anyRealm"));
        RealmSelector s = new RealmSelector(Fields.strings(node, path, "realmIds").orElse(List.of()),
                Fields.strings(node, path, "realmPatterns").orElse(List.of()).stream().map(Glob::of).toList(),
                Fields.bool(node, path, "childRealms").orElse(false),
                Fields.bool(node, path, "descendantRealms").orElse(false),
                Fields.bool(node, path, "anyRealm").orElse(false));
        if (s.realmIds().isEmpty() && s.realmPatterns().isEmpty() && !s.childRealms() && !s.descendantRealms()
                && !s.anyRealm()) {
            throw Fields.invalid(path, "admits no realm: give realmIds, realmPatterns, childRealms, descendantRealms or anyRealm");
        }
        return s;
    }

    private static RealmRules.RateRule rateRule(String policy, JsonNode rule, String path) {
        Fields.only(rule, path, Set.of("per", "requestsPerMinute", "burst", "routes"));
        String per = Fields.requiredText(rule, path, "per");
        if (!PER.contains(per)) {
            throw Fields.invalid(path + ".per", "must be member, realm, platform, tenant or route");
        }
        JsonNode rpm = rule.get("requestsPerMinute");
        if (rpm == null || !rpm.isNumber() || !(rpm.asDouble() > 0) || Double.isInfinite(rpm.asDouble())) {
            throw Fields.invalid(path + ".requestsPerMinute", "must be a number greater than 0");
        }
        JsonNode burst = rule.get("burst");
        if (burst == null || !burst.canConvertToInt() || !burst.isIntegralNumber() || burst.asInt() < 1) {
            throw Fields.invalid(path + ".burst", "must be an integer of at least 1");
        }
        List<String> routes = Fields.strings(rule, path, "routes").orElse(List.of());
        return new RealmRules.RateRule(policy, per, rpm.asDouble(), burst.asInt(), routes);
    }
}
