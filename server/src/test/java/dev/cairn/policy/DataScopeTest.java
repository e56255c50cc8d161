package dev.cairn.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.identity.Principal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The platform and tenant of a data request: from the credentials first, headers only where they agree. */
class DataScopeTest {

    private static final Optional<String> NONE = Optional.empty();

    private static Principal.Jwt jwt(Optional<String> platform, Optional<String> tenant) {
        return new Principal.Jwt("user-1", List.of("admin"), Optional.empty(), tenant, platform);
    }

    private static ErrorCode refusal(Principal p, Optional<String> platform, Optional<String> tenant,
                                     Optional<String> fallback) {
        return catchThrowableOfType(CairnException.class, () -> DataScope.resolve(p, platform, tenant, fallback)).code();
    }

    @Test
    void a_jwt_names_its_platform_and_tenant_and_a_header_may_only_repeat_them() {
        Principal.Jwt token = jwt(Optional.of("shop"), Optional.of("tenant-test"));

        assertThat(DataScope.resolve(token, NONE, Optional.of("tenant-test"), NONE))
                .isEqualTo(new DataScope("shop", "tenant-test"));
        assertThat(DataScope.resolve(token, Optional.of("shop"), Optional.of(" tenant-test "), Optional.of("other")))
                .isEqualTo(new DataScope("shop", "tenant-test"));
        assertThat(refusal(token, Optional.of("other"), Optional.of("tenant-test"), NONE)).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(token, NONE, Optional.of("someone-else"), NONE)).isEqualTo(ErrorCode.TENANT_CONFLICT);
        assertThat(refusal(token, NONE, NONE, NONE)).isEqualTo(ErrorCode.TENANT_REQUIRED);
        assertThat(refusal(token, NONE, Optional.of("  "), NONE)).isEqualTo(ErrorCode.TENANT_REQUIRED);
    }

    @Test
    void without_a_platform_claim_the_header_or_the_default_names_it_and_nothing_at_all_is_a_400() {
        Principal.Jwt service = jwt(NONE, NONE);

        assertThat(DataScope.resolve(service, Optional.of("shop"), Optional.of("t1"), Optional.of("fallback")).platform())
                .isEqualTo("shop");
        assertThat(DataScope.resolve(service, NONE, Optional.of("t1"), Optional.of("fallback")).platform())
                .isEqualTo("fallback");
        assertThat(DataScope.resolve(service, NONE, Optional.of("any-tenant"), Optional.of("f")).tenant())
                .isEqualTo("any-tenant");
        assertThat(refusal(service, NONE, Optional.of("t1"), NONE)).isEqualTo(ErrorCode.VALIDATION_ERROR);
    }

    @Test
    void a_platform_token_acts_for_its_platform_only_and_no_credentials_get_no_data() {
        Principal token = new Principal.PlatformToken("shop");

        assertThat(DataScope.resolve(token, NONE, Optional.of("t1"), Optional.of("other")).platform()).isEqualTo("shop");
        assertThat(refusal(token, Optional.of("other"), Optional.of("t1"), NONE)).isEqualTo(ErrorCode.FORBIDDEN);
        assertThat(refusal(new Principal.Network("127.0.0.1"), Optional.of("shop"), Optional.of("t1"), NONE))
                .isEqualTo(ErrorCode.UNAUTHORIZED);
        assertThat(DataScope.resolve(new Principal.Admin(), Optional.of("shop"), Optional.of("t1"), NONE))
                .isEqualTo(new DataScope("shop", "t1"));
    }
}
