package dev.cairn.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.identity.Principal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Playbook rules: globs that are never regular expressions, deny by default, who may do what. */
class PlaybookRulesTest {

    @Test
    void globs_match_within_a_segment_across_segments_and_escape_everything_else() {
        assertThat(Glob.of("reports/*").matches("reports/daily")).isTrue();
        assertThat(Glob.of("reports/*").matches("reports/2026/daily")).isFalse();
        assertThat(Glob.of("reports/**").matches("reports/2026/daily")).isTrue();
        assertThat(Glob.of("a.b/c?").matches("a.b/c1")).isTrue();
        assertThat(Glob.of("a.b/c?").matches("axb/c1")).isFalse(); // '.' is a dot, not "any character"
        assertThat(Glob.of("(x|y)+").matches("x")).isFalse();
        assertThat(Glob.of("(x|y)+").matches("(x|y)+")).isTrue();
    }

    @Test
    void rules_deny_by_default_and_allow_what_a_role_is_given() {
        PlaybookRules rules = PlaybookRules.parse("""
                [{"path": "reports/**", "roles": ["analyst"], "permissions": ["execute", "VIEW"]},
                 {"path": "public/*", "roles": ["*"], "permissions": ["view"]}]""");
        assertThat(rules.allows("reports/q1/sales", "execute", List.of("analyst"))).isTrue();
        assertThat(rules.allows("reports/q1/sales", "view", List.of("analyst"))).isTrue();
        assertThat(rules.allows("reports/q1/sales", "edit", List.of("analyst"))).isFalse();
        assertThat(rules.allows("reports/q1/sales", "execute", List.of("guest"))).isFalse();
        assertThat(rules.allows("public/readme", "view", List.of())).isTrue();
        assertThat(rules.allows("billing/close", "view", List.of("analyst", "admin"))).isFalse();
        assertThat(PlaybookRules.adminsOnly().allows("any/thing", "edit", List.of("admin"))).isTrue();
        assertThat(PlaybookRules.adminsOnly().allows("any/thing", "view", List.of("user"))).isFalse();
    }

    @Test
    void bad_rules_are_refused_with_what_is_wrong() {
        assertThatThrownBy(() -> PlaybookRules.parse("{}")).hasMessageContaining("array");
        assertThatThrownBy(() -> PlaybookRules.parse("[{\"roles\": [\"a\"], \"permissions\": [\"view\"]}]"))
                .hasMessageContaining("path is required");
        assertThatThrownBy(() -> PlaybookRules.parse("[{\"path\": \"x\", \"roles\": [\"a\"], \"permissions\": [\"run\"]}]"))
                .hasMessageContaining("'run'");
        assertThatThrownBy(() -> PlaybookRules.parse("[{\"path\": \"x\", \"roles\": [], \"permissions\": [\"view\"]}]"))
                .hasMessageContaining("roles");
    }

    @Test
    void the_policy_lets_the_admin_and_platform_tokens_through_and_holds_users_to_the_rules() {
        Policy policy = new Policy(true, PlaybookRules.parse(
                "[{\"path\": \"reports/**\", \"roles\": [\"analyst\"], \"permissions\": [\"execute\"]}]"));
        Action run = new Action.UsePlaybook("reports/daily", "execute");
        assertThat(policy.allows(new Principal.Admin(), run)).isTrue();
        assertThat(policy.allows(new Principal.PlatformToken("p"), run)).isTrue();
        assertThat(policy.allows(new Principal.Network("127.0.0.1"), run)).isFalse();
        assertThat(policy.allows(session(List.of("analyst")), run)).isTrue();
        assertThat(policy.allows(session(List.of("viewer")), run)).isFalse();
        assertThat(policy.allows(session(List.of("analyst")), new Action.UsePlaybook("reports/daily", "edit"))).isFalse();
    }

    private static Principal.Session session(List<String> roles) {
        return new Principal.Session("abc", "u", roles, Optional.empty(), Optional.empty());
    }
}
