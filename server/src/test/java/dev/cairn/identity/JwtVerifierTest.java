package dev.cairn.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.cairn.error.CairnException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * JWTs as the data API will meet them: HS256 with a shared secret, RS256 and ES256 from a JWKS
 * endpoint (a small real HTTP server in the test, speaking the JWKS document format), and the
 * tokens an attacker would try.
 */
class JwtVerifierTest {

    private static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("user-1").audience("cairn").issuer("https://idp.test/")
                .expirationTime(Date.from(Instant.now().plusSeconds(300)))
                .claim("roles", List.of("admin", "reader")).claim("tenant", "tenant-test").claim("platform", "shop");
    }

    private static String sign(JWTClaimsSet claims, JWSAlgorithm alg, JWSSigner signer, String kid) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static String hs(JWTClaimsSet claims, String secret) throws JOSEException {
        return sign(claims, JWSAlgorithm.HS256, new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), null);
    }

    private static JwtVerifier verifier(Optional<String> secret, Optional<URI> jwks) {
        return JwtVerifier.of(new JwtSettings(secret, jwks, Optional.of("cairn"), Optional.of("https://idp.test/"),
                Duration.ofSeconds(30))).orElseThrow();
    }

    private static String refusal(JwtVerifier verifier, String token) {
        try {
            verifier.verify(token);
        } catch (CairnException e) {
            assertThat(e.code().name()).isEqualTo("UNAUTHORIZED");
            return e.getMessage();
        }
        throw new AssertionError("accepted: " + token);
    }

    @Test
    void an_hs256_token_gives_its_subject_roles_tenant_and_platform() throws Exception {
        JwtVerifier verifier = verifier(Optional.of(SECRET), Optional.empty());

        Principal.Jwt p = verifier.verify(hs(claims().claim("service", "billing").build(), SECRET));

        assertThat(p.subject()).isEqualTo("user-1");
        assertThat(p.roles()).containsExactly("admin", "reader");
        assertThat(p.tenant()).contains("tenant-test");
        assertThat(p.platform()).contains("shop");
        assertThat(p.actor()).isEqualTo("jwt:billing/user-1");
        assertThat(verifier.verify(hs(claims().claim("roles", "a b,c").build(), SECRET)).roles())
                .containsExactly("a", "b", "c");
    }

    @Test
    void forged_expired_early_unsigned_and_misaddressed_tokens_are_refused() throws Exception {
        JwtVerifier verifier = verifier(Optional.of(SECRET), Optional.empty());
        Instant now = Instant.now();

        assertThat(refusal(verifier, hs(claims().build(), SECRET + "-other"))).contains("not valid");
        assertThat(refusal(verifier, hs(claims().expirationTime(Date.from(now.minusSeconds(120))).build(), SECRET)))
                .contains("xpired");
        assertThat(refusal(verifier, hs(claims().notBeforeTime(Date.from(now.plusSeconds(120))).build(), SECRET)))
                .contains("not valid");
        assertThat(refusal(verifier, new PlainJWT(claims().build()).serialize())).contains("not valid");
        assertThat(refusal(verifier, hs(claims().audience("someone-else").build(), SECRET))).contains("not valid");
        assertThat(refusal(verifier, hs(claims().issuer("https://evil.test/").build(), SECRET))).contains("not valid");
        assertThat(refusal(verifier, hs(claims().expirationTime(null).build(), SECRET))).contains("not valid");
        assertThat(refusal(verifier, "not.a.jwt")).contains("not valid");
        // within the leeway, a token that just expired still passes
        verifier.verify(hs(claims().expirationTime(Date.from(now.minusSeconds(10))).build(), SECRET));
    }

    @Test
    void keys_come_from_the_jwks_endpoint_and_a_rotated_key_is_fetched_when_its_id_first_appears() throws Exception {
        RSAKey first = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        AtomicReference<JWKSet> published = new AtomicReference<>(new JWKSet(List.<JWK>of(first.toPublicJWK(),
                ec.toPublicJWK())));
        AtomicInteger fetches = new AtomicInteger();
        HttpServer idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/jwks.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = published.get().toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        idp.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + idp.getAddress().getPort() + "/jwks.json");
            JwtVerifier verifier = verifier(Optional.empty(), Optional.of(url));

            assertThat(verifier.verify(sign(claims().build(), JWSAlgorithm.RS256, new RSASSASigner(first), "rsa-1"))
                    .subject()).isEqualTo("user-1");
            assertThat(verifier.verify(sign(claims().build(), JWSAlgorithm.ES256, new ECDSASigner(ec), "ec-1"))
                    .subject()).isEqualTo("user-1");
            int before = fetches.get();
            published.set(new JWKSet(List.<JWK>of(rotated.toPublicJWK(), ec.toPublicJWK())));

            Principal.Jwt afterRotation = verifier.verify(sign(claims().subject("user-2").build(), JWSAlgorithm.RS256,
                    new RSASSASigner(rotated), "rsa-2"));

            assertThat(afterRotation.subject()).isEqualTo("user-2");
            assertThat(fetches.get()).isGreaterThan(before);
            RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-9").generate();
            assertThat(refusal(verifier, sign(claims().build(), JWSAlgorithm.RS256, new RSASSASigner(stranger), "rsa-9")))
                    .contains("not valid");
            // the public key used as an HMAC secret (algorithm confusion) is never accepted
            byte[] publicKey = rotated.toRSAPublicKey().getEncoded();
            assertThat(refusal(verifier, sign(claims().build(), JWSAlgorithm.HS256, new MACSigner(publicKey), "rsa-2")))
                    .contains("not valid");
            assertThat(refusal(verifier, hs(claims().build(), SECRET))).contains("not valid");
        } finally {
            idp.stop(0);
        }
    }

    @Test
    void no_secret_and_no_jwks_means_no_jwt_is_accepted() {
        assertThat(JwtVerifier.of(JwtSettings.none())).isEmpty();
        assertThatThrownBy(() -> dev.cairn.server.Config.fromMap(java.util.Map.of("JWT_SECRET", "short")))
                .hasMessageStartingWith("JWT_SECRET:");
        assertThatThrownBy(() -> dev.cairn.server.Config.fromMap(java.util.Map.of("JWT_JWKS_URL", "ftp://x/keys")))
                .hasMessageStartingWith("JWT_JWKS_URL:");
        assertThat(new JwtSettings(Optional.of(SECRET), Optional.empty(), Optional.empty(), Optional.empty(),
                Duration.ZERO).toString()).doesNotContain(SECRET);
    }
}
