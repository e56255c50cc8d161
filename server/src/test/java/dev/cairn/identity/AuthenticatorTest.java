package dev.cairn.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import dev.cairn.testing.Jwts;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The order in which a bearer is recognised: the admin token first, then a JWT, then a platform
 * token. A JWT-shaped bearer skips the admin comparison only when the admin token is not JWT-shaped
 * itself, so an admin token of any shape keeps working beside JWTs.
 */
class AuthenticatorTest {

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
}
