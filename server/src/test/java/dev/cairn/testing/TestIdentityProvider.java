package dev.cairn.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OpenID Connect provider for tests, on a local port: its discovery document names its JWKS,
 * whose keys it generates itself and can rotate, and it signs ID tokens (RS256) as Auth0 would.
 * Counts JWKS fetches, so a test can see keys being cached.
 */
public final class TestIdentityProvider implements AutoCloseable {

    public static final String AUDIENCE = "cairn-test-app";

    private final HttpServer server;
    private final AtomicReference<RSAKey> key = new AtomicReference<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private int generation;

    private TestIdentityProvider() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/openid-configuration", ex -> send(ex, "{\"issuer\":\"" + issuer()
                + "\",\"jwks_uri\":\"" + issuer() + ".well-known/jwks.json\"}"));
        server.createContext("/.well-known/jwks.json", ex -> {
            jwksFetches.incrementAndGet();
            send(ex, new JWKSet(key.get().toPublicJWK()).toString());
        });
        rotate();
        server.start();
    }

    public static TestIdentityProvider start() {
        try {
            return new TestIdentityProvider();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** As Auth0 writes it: with the trailing slash. */
    public String issuer() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** The settings that make a gateway accept this provider's tokens for logins. */
    public Map<String, String> env() {
        return Map.of("OIDC_ISSUER", issuer(), "OIDC_AUDIENCE", AUDIENCE);
    }

    /** A new signing key replaces the published one (the old one is no longer in the JWKS). */
    public synchronized void rotate() {
        try {
            key.set(new RSAKeyGenerator(2048).keyID("key-" + ++generation).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public int jwksFetches() {
        return jwksFetches.get();
    }

    /** An ID token for a user with these roles, valid for five minutes, for {@link #AUDIENCE}. */
    public String token(String subject, List<String> roles) {
        return sign(claims(subject, roles).build());
    }

    public JWTClaimsSet.Builder claims(String subject, List<String> roles) {
        return new JWTClaimsSet.Builder().issuer(issuer()).subject(subject).audience(AUDIENCE)
                .claim("email", subject + "@example.com").claim("name", "User " + subject).claim("roles", roles)
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))));
    }

    /** Signed with the current key. */
    public String sign(JWTClaimsSet claims) {
        return sign(claims, key.get());
    }

    public static String sign(JWTClaimsSet claims, RSAKey with) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange ex, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
