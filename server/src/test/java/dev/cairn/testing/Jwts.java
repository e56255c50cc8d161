package dev.cairn.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** HS256 tokens for tests, signed as an identity provider would sign them. */
public final class Jwts {

    public static final String SECRET = "a-test-secret-that-is-at-least-32-bytes-long";

    private Jwts() {
    }

    /** A token for {@code platform}/{@code tenant} with these roles, valid for five minutes. */
    public static String token(String platform, String tenant, List<String> roles) {
        return sign(claims(platform, tenant, roles).build(), SECRET);
    }

    public static JWTClaimsSet.Builder claims(String platform, String tenant, List<String> roles) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().subject("agent-1").claim("service", "agent-gateway")
                .claim("roles", roles).expirationTime(new Date(System.currentTimeMillis() + 300_000));
        if (platform != null) {
            b.claim("platform", platform);
        }
        if (tenant != null) {
            b.claim("tenant", tenant);
        }
        return b;
    }

    public static String sign(JWTClaimsSet claims, String secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The overrides that make a test gateway accept {@link #SECRET}. */
    public static Map<String, String> env() {
        return Map.of("JWT_SECRET", SECRET);
    }
}
