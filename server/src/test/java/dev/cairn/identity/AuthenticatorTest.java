package dev.cairn.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import dev.cairn.testing.Jwts;
import dev.cairn.testing.TestCa;
import dev.cairn.testing.TestIntrospectionServer;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The order in which a bearer is recognised: the admin token, a session's, a platform token, the
 * providers added from outside, a JWT, then OAuth2 introspection; the provider whose shape a token
 * has alone judges it. A JWT-shaped bearer skips the admin comparison only when the admin token is
 * not JWT-shaped itself, so an admin token of any shape keeps working beside JWTs. Without
 * credentials, a verified client certificate is asked about.
 */
class AuthenticatorTest {

    private static final TestIntrospectionServer introspectionServer = TestIntrospectionServer.start();
    private static final TestCa ca = TestCa.create("Authenticator Test CA");

    @AfterAll
    static void stop() {
        introspectionServer.close();
    }

    private static Optional<JwtVerifier> jwts() {
        return JwtVerifier.of(new JwtSettings(Optional.of(Jwts.SECRET), Optional.empty(),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(30)));
    }

    private static Optional<OAuth2Introspection> introspection() {
        return OAuth2Introspection.of(Optional.of(new OAuth2Settings(URI.create(introspectionServer.url()),
                TestIntrospectionServer.CLIENT_ID, TestIntrospectionServer.CLIENT_SECRET, Optional.empty(),
                Duration.ofSeconds(300), Duration.ofSeconds(2))));
    }

    private static Authenticator with(String adminToken) {
        Optional<JwtVerifier> jwts = JwtVerifier.of(new JwtSettings(Optional.of(Jwts.SECRET), Optional.empty(),
                Optional.empty(), Optional.empty(), Duration.ofSeconds(30)));
        return new Authenticator(AdminToken.of(Optional.of(adminToken)), new PlatformTokens(null), jwts, SessionTokens.NONE);
    }

    private static Principal resolve(Authenticator authenticator, String token) {
        return authenticator.resolve(Optional.of("Bearer " + token), "127.0.0.1");
    }

    @Test
    void a_jwt_beside_a_plain_admin_token_is_verified_as_a_jwt() {
        Authenticator authenticator = with("plain-admin-token-0123456789");
        assertThat(resolve(authenticator, "plain-admin-token-0123456789")).isInstanceOf(Principal.Admin.class);
        assertThat(resolve(authenticator, Jwts.token("p", "t", List.of("admin")))).isInstanceOf(Principal.Jwt.class);
        assertThatThrownBy(() -> resolve(authenticator, "not.a.jwt")).isInstanceOf(CairnException.class)
                .hasMessageContaining("not valid");
    }

    @Test
    void a_jwt_is_anything_with_exactly_two_dots() {
        assertThat(Authenticator.looksLikeJwt("a.b.c")).isTrue();
        assertThat(Authenticator.looksLikeJwt("..")).isTrue();
        assertThat(Authenticator.looksLikeJwt("a.b")).isFalse();
        assertThat(Authenticator.looksLikeJwt("a.b.c.d")).isFalse();
        assertThat(Authenticator.looksLikeJwt("cairn_pt_abc")).isFalse();
    }

    @Test
    void an_admin_token_shaped_like_a_jwt_is_still_the_admin_token() {
        Authenticator authenticator = with("admin.token.with-two-dots");
        assertThat(resolve(authenticator, "admin.token.with-two-dots")).isInstanceOf(Principal.Admin.class);
        assertThat(resolve(authenticator, Jwts.token("p", "t", List.of()))).isInstanceOf(Principal.Jwt.class);
    }

    @Test
    void an_invalid_jwt_is_refused_by_the_jwt_provider_and_never_introspected() {
        Authenticator authenticator = Authenticator.builder().jwts(jwts()).introspection(introspection()).build();
        int before = introspectionServer.hits();
        assertThatThrownBy(() -> resolve(authenticator, "not.a.jwt")).isInstanceOf(CairnException.class)
                .hasMessageContaining("bearer token is not valid");
        assertThatThrownBy(() -> resolve(authenticator, SessionTokens.PREFIX + "unknown"))
                .hasMessageContaining("session is not valid");
        assertThat(introspectionServer.hits()).isEqualTo(before);
    }

    @Test
    void an_opaque_token_is_introspected_when_an_endpoint_is_configured_and_refused_when_not() {
        String token = "opaque-" + java.util.UUID.randomUUID();
        introspectionServer.active(token, "alice", "orders:read", Duration.ofMinutes(5));
        Authenticator with = Authenticator.builder().jwts(jwts()).introspection(introspection()).build();
        Authenticator without = Authenticator.builder().jwts(jwts()).build();

        assertThat(resolve(with, token)).isInstanceOfSatisfying(Principal.OAuthToken.class, p -> {
            assertThat(p.subject()).isEqualTo("alice");
            assertThat(p.roles()).containsExactly("orders:read");
        });
        assertThatThrownBy(() -> resolve(without, token)).hasMessageContaining("bearer token is not valid");
    }

    @Test
    void a_jwt_shaped_access_token_is_introspected_when_no_jwt_is_verified_here() {
        String token = "header.payload.signature-" + java.util.UUID.randomUUID();
        introspectionServer.active(token, "svc", "read", Duration.ofMinutes(5));
        Authenticator authenticator = Authenticator.builder().introspection(introspection()).build();
        assertThat(resolve(authenticator, token)).isInstanceOf(Principal.OAuthToken.class);
    }

    @Test
    void providers_added_from_outside_come_after_the_prefixed_tokens_and_before_jwts() {
        CredentialProvider members = provider(t -> t.startsWith("rm_"),
                new Principal.Member("acme/svc", "acme", List.of("reader"), Optional.empty(), Optional.of("acme")));
        CredentialProvider consoleJwts = provider(t -> Authenticator.looksLikeJwt(t) && t.startsWith("cairn."),
                new Principal.Console());
        Authenticator authenticator = Authenticator.builder().admin(AdminToken.of(Optional.of("rm_admin")))
                .jwts(jwts()).introspection(introspection()).add(members).add(consoleJwts).build();

        assertThat(resolve(authenticator, "rm_admin")).isInstanceOf(Principal.Admin.class);
        assertThat(resolve(authenticator, "rm_abc123")).isInstanceOf(Principal.Member.class);
        assertThat(resolve(authenticator, "cairn.member.jwt")).isInstanceOf(Principal.Console.class);
        assertThat(resolve(authenticator, Jwts.token("p", "t", List.of()))).isInstanceOf(Principal.Jwt.class);
    }

    @Test
    void without_credentials_a_verified_client_certificate_is_whom_it_maps_to() {
        X509Certificate known = ca.client("CN=svc-1,O=Acme", "svc-1.acme.internal").certificate();
        X509Certificate unknown = ca.client("CN=stranger,O=Elsewhere").certificate();
        Principal member = new Principal.Member("acme/svc-1", "acme", List.of(), Optional.empty(), Optional.empty());
        Map<String, List<String>> seen = new java.util.concurrent.ConcurrentHashMap<>();
        Authenticator authenticator = Authenticator.builder().admin(AdminToken.of(Optional.of("admin-token-0123456789")))
                .clientCertificates((subject, altNames) -> {
                    seen.put(subject, altNames);
                    return subject.equals("CN=svc-1,O=Acme") ? Optional.of(member) : Optional.empty();
                }).build();

        assertThat(authenticator.resolve(Optional.empty(), Optional.of(known), "10.0.0.1")).isEqualTo(member);
        assertThat(seen).containsEntry("CN=svc-1,O=Acme", List.of("svc-1.acme.internal"));
        assertThatThrownBy(() -> authenticator.resolve(Optional.empty(), Optional.of(unknown), "10.0.0.1"))
                .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.getMessage())
                        .contains("CN=stranger,O=Elsewhere").contains("names no member"));
        // Credentials beside a certificate decide alone; neither is the network.
        assertThat(authenticator.resolve(Optional.of("Bearer admin-token-0123456789"), Optional.of(unknown), "10.0.0.1"))
                .isInstanceOf(Principal.Admin.class);
        assertThat(authenticator.resolve(Optional.empty(), Optional.empty(), "10.0.0.1"))
                .isEqualTo(new Principal.Network("10.0.0.1"));
    }

    private static CredentialProvider provider(java.util.function.Predicate<String> shape, Principal principal) {
        return new CredentialProvider() {
            @Override
            public boolean claims(String token) {
                return shape.test(token);
            }

            @Override
            public Principal authenticate(String token) {
                return principal;
            }
        };
    }
}
