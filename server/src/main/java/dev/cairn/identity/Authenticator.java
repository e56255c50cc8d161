package dev.cairn.identity;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import java.util.Optional;

/**
 * Turns a request's {@code Authorization} header into a {@link Principal}: none is the network
 * principal, the admin token is {@link Principal.Admin}, a platform token names its platform, a
 * JWT (when {@code JWT_SECRET} or {@code JWT_JWKS_URL} is set) is verified into its claims, a
 * login session's token ({@code cairn_st_…}) is looked up;
 * anything else (another scheme, an unknown or invalid token) is {@code 401}. Stateless apart from
 * the caches inside {@link PlatformTokens} and {@link JwtVerifier}; safe for concurrent use.
 */
public final class Authenticator {

    private final AdminToken admin;
    private final PlatformTokens tokens;
    private final Optional<JwtVerifier> jwts;
    private final SessionTokens sessions;
    private final TokenProvider mesh;

    public Authenticator(AdminToken admin, PlatformTokens tokens, Optional<JwtVerifier> jwts, SessionTokens sessions) {
        this(admin, tokens, jwts, sessions, TokenProvider.NONE);
    }

    public Authenticator(AdminToken admin, PlatformTokens tokens, Optional<JwtVerifier> jwts, SessionTokens sessions,
                         TokenProvider mesh) {
        this.admin = admin;
        this.tokens = tokens;
        this.jwts = jwts;
        this.sessions = sessions;
        this.mesh = mesh;
    }

    public Principal resolve(Optional<String> authorization, String clientAddress) {
        Optional<String> header = authorization.map(String::strip).filter(h -> !h.isEmpty());
        if (header.isEmpty()) {
            return new Principal.Network(clientAddress);
        }
        if (!header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw CairnException.of(ErrorCode.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'");
        }
        String token = header.get().substring(7).strip();
        boolean jwt = jwts.isPresent() && looksLikeJwt(token);
        if ((!jwt || admin.jwtShaped()) && admin.matches(header)) {
            return new Principal.Admin();
        }
        if (mesh.owns(token)) {
            return mesh.principal(token);
        }
        if (SessionTokens.looksLikeSession(token)) {
            return sessions.session(token).<Principal>map(s -> s).orElseThrow(() -> CairnException.of(
                    ErrorCode.UNAUTHORIZED, "the session is not valid: unknown, expired or logged out"));
        }
        if (jwt) {
            return jwts.get().verify(token);
        }
        return tokens.platformOf(token).<Principal>map(Principal.PlatformToken::new)
                .orElseThrow(() -> CairnException.of(ErrorCode.UNAUTHORIZED, "the bearer token is not valid"));
    }

    /** Three parts separated by dots (the verifier judges the rest); platform tokens never contain a dot. */
    static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        return second > 0 && token.indexOf('.', second + 1) < 0;
    }
}
