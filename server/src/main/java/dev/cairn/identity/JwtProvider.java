package dev.cairn.identity;

/**
 * Bearer JWTs ({@code JWT_SECRET} or {@code JWT_JWKS_URL}): claims every token of a JWT's shape
 * (three parts separated by dots) and verifies it; one that fails is {@code 401}, not tried as
 * anything else.
 */
final class JwtProvider implements CredentialProvider {

    private final JwtVerifier verifier;

    JwtProvider(JwtVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public boolean claims(String token) {
        return Authenticator.looksLikeJwt(token);
    }

    @Override
    public Principal authenticate(String token) {
        return verifier.verify(token);
    }
}
