package dev.cairn.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may do what with which upstream playbook: rules {@code {path, roles, permissions}}, where
 * {@code path} is a {@link Glob}, {@code roles} the roles any of which a user needs ({@code "*"}:
 * any signed-in user), {@code permissions} a subset of {@code execute}, {@code view}, {@code edit}.
 * Deny by default: a request no rule allows is refused. Without configured rules, only users with
 * the {@code admin} role may use playbooks.
 */
public record PlaybookRules(List<Rule> rules) {

    public static final Set<String> PERMISSIONS = Set.of("execute", "view", "edit");

    public PlaybookRules {
        rules = List.copyOf(rules);
    }

    public record Rule(Glob path, Set<String> roles, Set<String> permissions) {
        public Rule {
            roles = Set.copyOf(roles);
            permissions = Set.copyOf(permissions);
        }

        boolean allows(String playbook, String permission, List<String> userRoles) {
            return permissions.contains(permission) && path.matches(playbook)
                    && (roles.contains("*") || userRoles.stream().anyMatch(roles::contains));
        }
    }

    /** Admins may do anything with any playbook; nobody else anything. */
    public static PlaybookRules adminsOnly() {
        return new PlaybookRules(List.of(new Rule(Glob.of("**"), Set.of("admin"), PERMISSIONS)));
    }

    public boolean allows(String playbook, String permission, List<String> roles) {
        return rules.stream().anyMatch(r -> r.allows(playbook, permission, roles));
    }

    /**
     * Rules from their JSON form, {@code [{"path": "reports/**", "roles": ["analyst"], "permissions":
     * ["execute", "view"]}]}; {@link IllegalArgumentException} saying what is wrong.
     */
    public static PlaybookRules parse(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage());
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("expected a JSON array of {path, roles, permissions}");
        }
        List<Rule> rules = new ArrayList<>();
        for (JsonNode r : root) {
            String path = r.path("path").asText("");
            if (path.isEmpty()) {
                throw new IllegalArgumentException("rule " + rules.size() + ": path is required");
            }
            List<String> roles = strings(r.path("roles"), "rule " + rules.size() + ": roles");
            List<String> permissions = strings(r.path("permissions"), "rule " + rules.size() + ": permissions").stream()
                    .map(p -> p.toLowerCase(Locale.ROOT)).toList();
            for (String p : permissions) {
                if (!PERMISSIONS.contains(p)) {
                    throw new IllegalArgumentException("rule " + rules.size() + ": permission '" + p
                            + "' is not one of execute, view, edit");
                }
            }
            rules.add(new Rule(Glob.of(path), Set.copyOf(roles), Set.copyOf(permissions)));
        }
        return new PlaybookRules(rules);
    }

    private static List<String> strings(JsonNode array, String what) {
        if (!array.isArray() || array.isEmpty()) {
            throw new IllegalArgumentException(what + " must be a non-empty array of strings");
        }
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
