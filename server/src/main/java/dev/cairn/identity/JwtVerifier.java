package dev.cairn.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import java.net.MalformedURLException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies bearer JWTs and turns their claims into a {@link Principal.Jwt}. Algorithms are
 * pinned to what is configured: HS256 only with {@code JWT_SECRET}, RS256 and ES256 only with
 * {@code JWT_JWKS_URL}; an unsigned ({@code alg: none}) token is never accepted, nor a token whose
 * header names an algorithm of the other family (so a public key can never be used as an HMAC
 * secret). Keys from a JWKS URL are cached; a token with a key id the cache does not know makes
 * it fetch the set again, at most a few times a minute (Nimbus's rate-limited source), so a key
 * rotation is picked up at once and unknown key ids cannot flood the identity provider.
 * {@code exp} is required; {@code exp} and {@code nbf} get the configured leeway. Thread-safe.
 */
public final class JwtVerifier {

    private static final Set<JWSAlgorithm> PUBLIC_KEY = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    /** A verified token is trusted again without its signature check for at most this long (and never past exp). */
    private static final long REUSE_MILLIS = 60_000;
    private static final int MAX_REMEMBERED = 10_000;

    private record Verified(Principal.Jwt principal, long until) {
    }

    private final List<DefaultJWTProcessor<SecurityContext>> processors;
    /**
     * Tokens verified lately, keyed by the whole token (signature included, so no other string
     * matches): a service sends the same token on every request, and checking its signature and
     * claims each time was a large part of a data-API read's CPU.
     */
    private final java.util.Map<String, Verified> verified = new java.util.concurrent.ConcurrentHashMap<>();

    private JwtVerifier(List<DefaultJWTProcessor<SecurityContext>> processors) {
        this.processors = List.copyOf(processors);
    }

    /** Empty when the settings accept no JWT. */
    public static Optional<JwtVerifier> of(JwtSettings settings) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        List<DefaultJWTProcessor<SecurityContext>> processors = new ArrayList<>();
        settings.secret().ifPresent(secret -> processors.add(processor(new JWSVerificationKeySelector<>(
                JWSAlgorithm.HS256, new ImmutableSecret<>(secret.getBytes(StandardCharsets.UTF_8))), settings)));
        settings.jwksUrl().ifPresent(url -> processors.add(processor(
                new JWSVerificationKeySelector<>(PUBLIC_KEY, jwks(url)), settings)));
        return Optional.of(new JwtVerifier(processors));
    }

    /** The token's principal; {@code 401 unauthorized} saying why when it is not valid. */
    public Principal.Jwt verify(String token) {
        long now = System.currentTimeMillis();
        Verified hit = verified.get(token);
        if (hit != null && now < hit.until()) {
            return hit.principal();
        }
        JWTClaimsSet claims = claims(token);
        try {
            Principal.Jwt principal = principal(claims);
            remember(token, principal, claims, now);
            return principal;
        } catch (ParseException e) {
            throw CairnException.of(ErrorCode.UNAUTHORIZED, "the bearer token is not valid: " + e.getMessage());
        }
    }

    /**
     * What an identity provider's token (OIDC, as a login sends it) says about its user, once its
     * signature and claims check out; {@code 401} saying why when they do not.
     *
     * @param rolesClaim the claim holding the roles (providers namespace theirs: {@code https://x/roles})
     */
    public Identity identify(String token, String rolesClaim) {
        JWTClaimsSet claims = claims(token);
        try {
            return new Identity(Optional.ofNullable(claims.getSubject()).orElse(""),
                    Optional.ofNullable(claims.getStringClaim("email")),
                    Optional.ofNullable(claims.getStringClaim("name")), roles(claims, rolesClaim),
                    Optional.ofNullable(claims.getStringClaim("platform")),
                    Optional.ofNullable(claims.getStringClaim("tenant")));
        } catch (ParseException e) {
            throw CairnException.of(ErrorCode.UNAUTHORIZED, "the token is not valid: " + e.getMessage());
        }
    }

    /** A user as an identity provider's token describes them. */
    public record Identity(String subject, Optional<String> email, Optional<String> name, List<String> roles,
                           Optional<String> platform, Optional<String> tenant) {
        public Identity {
            roles = List.copyOf(roles);
        }
    }

    private JWTClaimsSet claims(String token) {
        String reason = "it is not a signed JWT";
        for (DefaultJWTProcessor<SecurityContext> processor : processors) {
            try {
                return processor.process(token, null);
            } catch (ParseException e) {
                reason = "it is not a signed JWT";
            } catch (BadJOSEException e) {
                reason = e.getMessage();
            } catch (JOSEException e) {
                reason = "its signature could not be checked: " + e.getMessage();
            }
        }
        throw CairnException.of(ErrorCode.UNAUTHORIZED, "the bearer token is not valid: " + reason);
    }

    private void remember(String token, Principal.Jwt principal, JWTClaimsSet claims, long now) {
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear(); // crude but bounded: a flood of distinct tokens only costs their checks again
        }
        verified.put(token, new Verified(principal, Math.min(now + REUSE_MILLIS, claims.getExpirationTime().getTime())));
    }

    private static DefaultJWTProcessor<SecurityContext> processor(JWSKeySelector<SecurityContext> keys,
                                                                  JwtSettings settings) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(keys);
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        settings.issuer().ifPresent(exact::issuer);
        Set<String> required = new HashSet<>(Set.of("exp"));
        settings.issuer().ifPresent(i -> required.add("iss"));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                settings.audience().map(Set::of).orElse(null), exact.build(), required, null);
        claims.setMaxClockSkew((int) settings.leeway().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    private static JWKSource<SecurityContext> jwks(java.net.URI url) {
        try {
            return JWKSourceBuilder.<SecurityContext>create(url.toURL()).retrying(true).build();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWT_JWKS_URL is not a URL: " + url, e);
        }
    }

    private static Principal.Jwt principal(JWTClaimsSet claims) throws ParseException {
        return new Principal.Jwt(Optional.ofNullable(claims.getSubject()).orElse(""), roles(claims, "roles"),
                Optional.ofNullable(claims.getStringClaim("service")),
                Optional.ofNullable(claims.getStringClaim("tenant")),
                Optional.ofNullable(claims.getStringClaim("platform")));
    }

    /** The roles claim as a list of strings, or one string of them separated by spaces or commas. */
    private static List<String> roles(JWTClaimsSet claims, String claim) throws ParseException {
        Object roles = claims.getClaim(claim);
        if (roles instanceof String s) {
            return List.of(s.split("[\\s,]+")).stream().filter(r -> !r.isEmpty()).toList();
        }
        List<String> list = claims.getStringListClaim(claim);
        return list == null ? List.of() : List.copyOf(list);
    }
}
