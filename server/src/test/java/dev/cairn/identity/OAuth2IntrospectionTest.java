package dev.cairn.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.testing.TestIntrospectionServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 7662 introspection against a real (test) authorization server: what an answer becomes, what
 * is refused, how long answers are trusted (a clock the test moves) and what a failing server
 * makes of a request.
 */
class OAuth2IntrospectionTest {

    private static final TestIntrospectionServer server = TestIntrospectionServer.start();
    private final MovableClock clock = new MovableClock();

    @AfterAll
    static void stop() {
        server.close();
    }

    @BeforeEach
    void behave() {
        server.behave();
    }

    private OAuth2Introspection introspection(Optional<String> audience, Duration maxCache) {
        return introspection(URI.create(server.url()), audience, maxCache, 10_000);
    }

    private OAuth2Introspection introspection(URI url, Optional<String> audience, Duration maxCache, int maxCached) {
        return new OAuth2Introspection(new OAuth2Settings(url, TestIntrospectionServer.CLIENT_ID,
                TestIntrospectionServer.CLIENT_SECRET, audience, maxCache, Duration.ofMillis(500)), clock, maxCached);
    }

    private static String token() {
        return "opaque-" + java.util.UUID.randomUUID();
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    @Test
    void an_active_token_is_its_subject_with_its_scopes_roles_client_tenant_and_platform() {
        String token = token();
        server.answer(token, Map.of("active", true, "sub", "alice", "scope", "orders:read orders:write",
                "roles", List.of("clerk", "orders:read"), "client_id", "shop-frontend", "tenant", "t1",
                "platform", "shop", "exp", now() + 600, "nbf", now() - 5));

        Principal principal = introspection(Optional.empty(), Duration.ofSeconds(300)).authenticate(token);

        assertThat(principal).isEqualTo(new Principal.OAuthToken("alice", List.of("orders:read", "orders:write", "clerk"),
                Optional.of("shop-frontend"), Optional.of("t1"), Optional.of("shop")));
        assertThat(principal.actor()).isEqualTo("oauth:shop-frontend/alice");
        assertThat(server.lastForm()).isEqualTo(Map.of("token", token, "token_type_hint", "access_token"));
    }

    @Test
    void without_sub_the_username_or_else_the_client_is_the_subject() {
        OAuth2Introspection introspection = introspection(Optional.empty(), Duration.ofSeconds(300));
        String user = token();
        String client = token();
        server.answer(user, Map.of("active", true, "username", "bob", "client_id", "cli"));
        server.answer(client, Map.of("active", true, "client_id", "billing-service"));
        assertThat(((Principal.OAuthToken) introspection.authenticate(user)).subject()).isEqualTo("bob");
        assertThat(((Principal.OAuthToken) introspection.authenticate(client)).subject()).isEqualTo("billing-service");
    }

    @Test
    void inactive_expired_not_yet_valid_and_other_audience_tokens_are_401() {
        OAuth2Introspection introspection = introspection(Optional.of("cairn"), Duration.ofSeconds(300));
        String unknown = token();
        String expired = token();
        String early = token();
        String elsewhere = token();
        String ours = token();
        server.answer(expired, Map.of("active", true, "sub", "a", "aud", "cairn", "exp", now() - 3600));
        server.answer(early, Map.of("active", true, "sub", "a", "aud", "cairn", "nbf", now() + 3600));
        server.answer(elsewhere, Map.of("active", true, "sub", "a", "aud", List.of("billing", "crm")));
        server.answer(ours, Map.of("active", true, "sub", "a", "aud", List.of("billing", "cairn")));

        assertUnauthorized(() -> introspection.authenticate(unknown), "not active");
        assertUnauthorized(() -> introspection.authenticate(expired), "expired");
        assertUnauthorized(() -> introspection.authenticate(early), "not valid yet");
        assertUnauthorized(() -> introspection.authenticate(elsewhere), "audience");
        assertThat(introspection.authenticate(ours)).isInstanceOf(Principal.OAuthToken.class);
    }

    @Test
    void an_answer_is_cached_until_the_token_expires_and_no_longer() {
        OAuth2Introspection introspection = introspection(Optional.empty(), Duration.ofSeconds(300));
        String token = token();
        server.answer(token, Map.of("active", true, "sub", "alice", "exp", now() + 60));
        int before = server.hits();

        introspection.authenticate(token);
        clock.advance(Duration.ofSeconds(59));
        introspection.authenticate(token);
        assertThat(server.hits()).as("the second request is answered from the cache").isEqualTo(before + 1);

        clock.advance(Duration.ofSeconds(2)); // past exp: asked again, and taken within the clocks' leeway only
        assertThat(introspection.authenticate(token)).isInstanceOf(Principal.OAuthToken.class);
        assertThat(server.hits()).isEqualTo(before + 2);
        clock.advance(OAuth2Introspection.LEEWAY);
        assertUnauthorized(() -> introspection.authenticate(token), "expired");
        assertThat(server.hits()).isEqualTo(before + 3);
    }

    @Test
    void an_answer_is_cached_for_at_most_the_configured_time() {
        OAuth2Introspection introspection = introspection(Optional.empty(), Duration.ofSeconds(30));
        String token = token();
        server.answer(token, Map.of("active", true, "sub", "alice", "exp", now() + 3600));
        int before = server.hits();
        introspection.authenticate(token);
        clock.advance(Duration.ofSeconds(29));
        introspection.authenticate(token);
        clock.advance(Duration.ofSeconds(2));
        introspection.authenticate(token);
        assertThat(server.hits()).isEqualTo(before + 2);
    }

    @Test
    void a_refusal_is_cached_briefly_so_a_repeated_bad_token_does_not_reach_the_server_each_time() {
        OAuth2Introspection introspection = introspection(Optional.empty(), Duration.ofSeconds(300));
        String token = token();
        int before = server.hits();
        for (int i = 0; i < 5; i++) {
            assertUnauthorized(() -> introspection.authenticate(token), "not active");
        }
        assertThat(server.hits()).isEqualTo(before + 1);
        clock.advance(OAuth2Introspection.REFUSAL_CACHE.plusSeconds(1));
        server.active(token, "alice", "read", Duration.ofMinutes(5)); // issued meanwhile: no longer refused
        assertThat(introspection.authenticate(token)).isInstanceOf(Principal.OAuthToken.class);
        assertThat(server.hits()).isEqualTo(before + 2);
    }

    @Test
    void the_cache_holds_a_bounded_number_of_answers() {
        OAuth2Introspection introspection = introspection(URI.create(server.url()), Optional.empty(),
                Duration.ofSeconds(300), 3);
        for (int i = 0; i < 10; i++) {
            String token = token();
            server.active(token, "user-" + i, "read", Duration.ofMinutes(5));
            introspection.authenticate(token);
            assertThat(introspection.cached()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void a_failing_server_is_502_and_the_message_holds_neither_the_token_nor_the_secret() {
        OAuth2Introspection introspection = introspection(Optional.empty(), Duration.ofSeconds(300));
        String token = token();
        server.failWith(503);
        CairnException failed = upstreamError(() -> introspection.authenticate(token), ErrorCode.UPSTREAM_FAILED);
        assertThat(failed.getMessage()).contains("HTTP 503").doesNotContain(token)
                .doesNotContain(TestIntrospectionServer.CLIENT_SECRET);

        server.behave();
        server.answerRaw("<html>oops " + token + "</html>");
        failed = upstreamError(() -> introspection.authenticate(token), ErrorCode.UPSTREAM_FAILED);
        assertThat(failed.getMessage()).contains("not JSON").doesNotContain(token);

        server.answerRaw("{\"sub\":\"alice\"}");
        assertThat(upstreamError(() -> introspection.authenticate(token), ErrorCode.UPSTREAM_FAILED).getMessage())
                .contains("boolean 'active'");
    }

    @Test
    void wrong_client_credentials_are_the_gateways_failure_not_the_callers() {
        OAuth2Introspection introspection = new OAuth2Introspection(new OAuth2Settings(URI.create(server.url()),
                TestIntrospectionServer.CLIENT_ID, "wrong-secret-0123456789", Optional.empty(), Duration.ofSeconds(300),
                Duration.ofMillis(500)), clock, 100);
        CairnException failed = upstreamError(() -> introspection.authenticate(token()), ErrorCode.UPSTREAM_FAILED);
        assertThat(failed.getMessage()).contains("HTTP 401").doesNotContain("wrong-secret");
        assertThat(failed.problem().fields()).containsEntry("upstream_status", 401);
    }

    @Test
    void a_server_that_is_down_is_502_and_one_that_does_not_answer_in_time_504() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        OAuth2Introspection down = introspection(URI.create("http://127.0.0.1:" + closed + "/introspect"),
                Optional.empty(), Duration.ofSeconds(300), 100);
        String token = token();
        assertThat(upstreamError(() -> down.authenticate(token), ErrorCode.UPSTREAM_FAILED).getMessage())
                .contains("could not be reached").doesNotContain(token);

        server.delay(Duration.ofSeconds(2));
        OAuth2Introspection slow = introspection(Optional.empty(), Duration.ofSeconds(300));
        assertThat(upstreamError(() -> slow.authenticate(token), ErrorCode.UPSTREAM_TIMEOUT).getMessage())
                .contains("500 ms").doesNotContain(token);
    }

    @Test
    void it_claims_printable_tokens_of_at_most_4096_characters() {
        OAuth2Introspection introspection = introspection(Optional.empty(), Duration.ofSeconds(300));
        assertThat(introspection.claims("2YotnFZFEjr1zCsicMWpAA")).isTrue();
        assertThat(introspection.claims("a.b.c")).isTrue();
        assertThat(introspection.claims("with space")).isFalse();
        assertThat(introspection.claims("x".repeat(4097))).isFalse();
        assertThat(introspection.claims("")).isFalse();
    }

    private static void assertUnauthorized(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String why) {
        assertThatThrownBy(call).isInstanceOfSatisfying(CairnException.class, e -> {
            assertThat(e.problem().code()).isEqualTo(ErrorCode.UNAUTHORIZED);
            assertThat(e.getMessage()).contains(why);
        });
    }

    private static CairnException upstreamError(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(CairnException.class);
        CairnException e = (CairnException) thrown;
        assertThat(e.problem().code()).as(e.getMessage()).isEqualTo(code);
        return e;
    }

    /** The wall clock, moved forward by the test. */
    private static final class MovableClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration by) {
            offset = offset.plus(by);
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
