package dev.cairn.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.identity.AdminToken;
import dev.cairn.identity.Principal;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Who may do what: the one set of rules every route asks. */
class PolicyTest {

    private static final Principal NETWORK = new Principal.Network("127.0.0.1");
    private static final Principal ADMIN = new Principal.Admin();
    private static final Principal SHOP = new Principal.PlatformToken("shop");

    private static ErrorCode refusal(Policy policy, Supplier<Principal> who, Action action) {
        return catchThrowableOfType(CairnException.class, () -> policy.authorize(who, action)).code();
    }

    @Test
    void admin_routes_take_the_admin_token_only_and_are_disabled_without_one_whatever_is_presented() {
        Policy policy = new Policy(true);
        policy.authorize(() -> ADMIN, new Action.Administer());
        assertThat(refusal(policy, () -> NETWORK, new Action.Administer())).isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(refusal(policy, () -> SHOP, new Action.Administer())).isEqualTo(ErrorCode.UNAUTHORIZED);

        Policy disabled = new Policy(false);
        Supplier<Principal> unresolvable = () -> {
            throw new AssertionError("a disabled admin route must not look at the credentials");
        };
        assertThat(refusal(disabled, unresolvable, new Action.Administer())).isEqualTo(ErrorCode.ADMIN_DISABLED);
    }

    @Test
    void a_platform_route_takes_the_network_the_admin_and_its_own_token_but_not_another_platforms() {
        Policy policy = new Policy(true);
        Action shop = new Action.ActForPlatform("shop");
        policy.authorize(() -> NETWORK, shop);
        policy.authorize(() -> ADMIN, shop);
        policy.authorize(() -> SHOP, shop);

        assertThat(refusal(policy, () -> SHOP, new Action.ActForPlatform("shop2"))).isEqualTo(ErrorCode.FORBIDDEN);
    }

    @Test
    void a_jwt_is_for_the_data_api_it_never_changes_schemas_nor_administers_even_with_the_platform_claim() {
        Policy policy = new Policy(true);
        Principal jwt = new Principal.Jwt("user-1", java.util.List.of("admin"), Optional.empty(), Optional.of("t1"),
                Optional.of("shop"));
        assertThat(refusal(policy, () -> jwt, new Action.ActForPlatform("shop"))).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(policy, () -> jwt, new Action.Administer())).isEqualTo(ErrorCode.UNAUTHORIZED);
    }

    @Test
    void a_call_takes_what_a_platform_route_takes_and_a_jwt_of_the_platform_and_of_the_called_tenant() {
        Policy policy = new Policy(true);
        Action shopT1 = new Action.CallFunction("shop", Optional.of("t1"));
        Action shopMain = new Action.CallFunction("shop", Optional.empty());
        for (Principal admitted : java.util.List.of(NETWORK, ADMIN, SHOP)) {
            policy.authorize(() -> admitted, shopT1);
            policy.authorize(() -> admitted, shopMain);
        }
        assertThat(refusal(policy, () -> SHOP, new Action.CallFunction("shop2", Optional.empty())))
                .isEqualTo(ErrorCode.FORBIDDEN);
        Principal anyTenant = jwt(Optional.empty(), Optional.of("shop"));
        Principal t1 = jwt(Optional.of("t1"), Optional.of("shop"));
        Principal noPlatform = jwt(Optional.of("t1"), Optional.empty());
        policy.authorize(() -> anyTenant, shopT1);
        policy.authorize(() -> anyTenant, shopMain);
        policy.authorize(() -> t1, shopT1);
        policy.authorize(() -> noPlatform, shopT1);
        assertThat(refusal(policy, () -> t1, shopMain)).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(policy, () -> t1, new Action.CallFunction("shop", Optional.of("t2"))))
                .isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(policy, () -> t1, new Action.CallFunction("shop2", Optional.of("t1"))))
                .isEqualTo(ErrorCode.FORBIDDEN);
    }

    private static Principal jwt(Optional<String> tenant, Optional<String> platform) {
        return new Principal.Jwt("user-1", java.util.List.of(), Optional.empty(), tenant, platform);
    }

    @Test
    void the_admin_token_is_compared_as_a_bearer_and_matches_nothing_when_not_configured() {
        AdminToken token = AdminToken.of(Optional.of("s3cret"));
        assertThat(token.matches(Optional.of("Bearer s3cret"))).isTrue();
        assertThat(token.matches(Optional.of("bearer s3cret "))).isTrue();
        assertThat(token.matches(Optional.of("Bearer s3cre"))).isFalse();
        assertThat(token.matches(Optional.of("s3cret"))).isFalse();
        assertThat(token.matches(Optional.empty())).isFalse();
        AdminToken disabled = AdminToken.of(Optional.empty());
        assertThat(disabled.enabled()).isFalse();
        assertThat(disabled.matches(Optional.of("Bearer "))).isFalse();
        assertThatThrownBy(() -> new Policy(disabled.enabled()).authorize(() -> ADMIN, new Action.Administer()))
                .hasMessageContaining("ADMIN_TOKEN");
    }
}
