package dev.cairn.identity;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import java.util.Optional;

/**
 * Turns a request's {@code Authorization} header into a {@link Principal}: none is the network
 * principal, the admin token is {@link Principal.Admin}, a platform token names its platform;
 * anything else (another scheme, an unknown token) is {@code 401}. Stateless apart from the
 * token cache inside {@link PlatformTokens}; safe for concurrent use.
 */
public final class Authenticator {

    private final AdminToken admin;
    private final PlatformTokens tokens;

    public Authenticator(AdminToken admin, PlatformTokens tokens) {
        this.admin = admin;
        this.tokens = tokens;
    }

    public Principal resolve(Optional<String> authorization, String clientAddress) {
        Optional<String> header = authorization.map(String::strip).filter(h -> !h.isEmpty());
        if (header.isEmpty()) {
            return new Principal.Network(clientAddress);
        }
        if (!header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw CairnException.of(ErrorCode.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'");
        }
        if (admin.matches(header)) {
            return new Principal.Admin();
        }
        return tokens.platformOf(header.get().substring(7).strip()).<Principal>map(Principal.PlatformToken::new)
                .orElseThrow(() -> CairnException.of(ErrorCode.UNAUTHORIZED, "the bearer token is not valid"));
    }

    public boolean adminEnabled() {
        return admin.enabled();
    }
}
