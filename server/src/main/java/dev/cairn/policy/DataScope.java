package dev.cairn.policy;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.identity.Principal;
import java.util.Optional;

/**
 * Which platform and tenant a data-API request acts on, decided by the server from the principal
 * and never taken from a client field alone.
 *
 * <p>The platform comes from the {@code x-platform} header, else the JWT's {@code platform}
 * claim, else {@code DEFAULT_PLATFORM}; a platform token acts for its own platform only. Where two
 * of them name different platforms the request is refused ({@code 403}), never resolved by
 * precedence. The tenant comes from {@code x-tenant-id}, which is required
 * ({@code 400 tenant_required}); a JWT whose {@code tenant} claim names another tenant is
 * {@code 409 tenant_conflict}. Data needs credentials: a request without any is {@code 401}.
 */
public record DataScope(String platform, String tenant) {

    public static DataScope resolve(Principal principal, Optional<String> platformHeader, Optional<String> tenantHeader,
                                    Optional<String> defaultPlatform) {
        String platform = platform(principal, platformHeader, defaultPlatform);
        String tenant = present(tenantHeader).orElseThrow(() -> new CairnException(Problem.of(ErrorCode.TENANT_REQUIRED,
                "the data API needs the tenant: send the x-tenant-id header").with("field", "x-tenant-id")));
        if (principal instanceof Principal.Claims user && user.tenant().filter(t -> !t.equals(tenant)).isPresent()) {
            throw new CairnException(Problem.of(ErrorCode.TENANT_CONFLICT, "x-tenant-id names tenant " + tenant
                    + " but the " + user.kind() + " was issued for another tenant").with("field", "x-tenant-id"));
        }
        return new DataScope(platform, tenant);
    }

    /**
     * The platform alone, for what a platform does without a tenant (its playbooks): decided by the
     * same rules as {@link #resolve}.
     */
    public static String platform(Principal principal, Optional<String> platformHeader, Optional<String> defaultPlatform) {
        Optional<String> header = present(platformHeader);
        return switch (principal) {
            case Principal.Network network -> throw CairnException.of(ErrorCode.UNAUTHORIZED,
                    "the data API needs credentials: 'Authorization: Bearer <JWT or platform token>'");
            case Principal.PlatformToken token -> agree(header, token.platform(), "the platform token's platform");
            case Principal.Claims user -> user.platform().map(claim -> agree(header, claim, "the " + user.kind()
                            + "'s platform"))
                    .or(() -> header).or(() -> present(defaultPlatform)).orElseThrow(DataScope::noPlatform);
            case Principal.Console console -> throw CairnException.of(ErrorCode.FORBIDDEN,
                    "the console administers realms; data takes a member's, user's or platform's credentials");
            case Principal.Admin admin -> header.or(() -> present(defaultPlatform)).orElseThrow(DataScope::noPlatform);
        };
    }

    /** The header may repeat what the credentials say, never contradict it. */
    private static String agree(Optional<String> header, String credential, String what) {
        if (header.isPresent() && !header.get().equals(credential)) {
            throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "x-platform names platform " + header.get()
                    + " but " + what + " is another platform"));
        }
        return credential;
    }

    private static Optional<String> present(Optional<String> value) {
        return value.map(String::strip).filter(v -> !v.isEmpty());
    }

    private static CairnException noPlatform() {
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                "the data API needs the platform: send the x-platform header").with("field", "x-platform"));
    }
}
