package dev.cairn.identity;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How JWTs are verified: an HMAC secret ({@code JWT_SECRET}, HS256), a JWKS URL
 * ({@code JWT_JWKS_URL}, RS256 and ES256), or both; neither means no JWT is accepted.
 *
 * @param audience required in {@code aud} when set
 * @param issuer   required as {@code iss} when set
 * @param leeway   clock skew allowed on {@code exp} and {@code nbf}
 */
public record JwtSettings(Optional<String> secret, Optional<URI> jwksUrl, Optional<String> audience,
                          Optional<String> issuer, Duration leeway) {

    public boolean enabled() {
        return secret.isPresent() || jwksUrl.isPresent();
    }

    /** No JWT accepted. */
    public static JwtSettings none() {
        return new JwtSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Duration.ZERO);
    }

    /** What a configuration says about itself: never the secret. */
    @Override
    public String toString() {
        return "JwtSettings[secret=" + (secret.isPresent() ? "set" : "none") + ", jwksUrl=" + jwksUrl
                + ", audience=" + audience + ", issuer=" + issuer + ", leeway=" + leeway + "]";
    }
}
