package dev.cairn.identity;

/**
 * The operator's {@code ADMIN_TOKEN}: claims exactly that token (compared in constant time). A
 * JWT-shaped bearer is not even compared when JWTs are verified and the admin token is not
 * JWT-shaped itself (see {@link AdminToken#jwtShaped()}).
 */
final class AdminTokenProvider implements CredentialProvider {

    private final AdminToken admin;
    private final boolean jwtsVerified;

    AdminTokenProvider(AdminToken admin, boolean jwtsVerified) {
        this.admin = admin;
        this.jwtsVerified = jwtsVerified;
    }

    @Override
    public boolean claims(String token) {
        boolean skip = jwtsVerified && Authenticator.looksLikeJwt(token) && !admin.jwtShaped();
        return !skip && admin.matchesToken(token);
    }

    @Override
    public Principal authenticate(String token) {
        return new Principal.Admin();
    }
}
