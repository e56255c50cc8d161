package dev.cairn.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.sql.Checksums;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth2 access tokens, vouched for by the authorization server's introspection endpoint (RFC 7662):
 * claims any bearer no earlier provider claimed (printable, at most 4096 characters), asks the
 * endpoint ({@code POST token=…&token_type_hint=access_token}, Cairn's client id and secret as HTTP
 * Basic) and turns an active answer into a {@link Principal.OAuthToken}: {@code sub} (else
 * {@code username}, else {@code client_id}), roles from {@code scope} and a {@code roles} claim, and
 * the {@code client_id}, {@code tenant} and {@code platform} claims. Inactive, expired ({@code exp}),
 * not yet valid ({@code nbf}) or for another audience ({@code OAUTH2_AUDIENCE}) is {@code 401}; both
 * are checked with {@link #LEEWAY} for the two servers' clocks.
 *
 * <p>Answers are cached by the token's SHA-256 (never the token itself): an active one until its
 * {@code exp} but at most {@code OAUTH2_CACHE_SECS}, a refusal for {@link #REFUSAL_CACHE} so a
 * client repeating a bad token does not make Cairn ask again each time; at most
 * {@link #MAX_CACHED} answers. An endpoint that cannot be reached, fails or answers with something
 * other than a JSON object with a boolean {@code active} is {@code 502 upstream_failed}; one that
 * does not answer in time {@code 504 upstream_timeout}. Neither message holds the token, the
 * secret, or anything the endpoint said. Thread-safe.
 */
public final class OAuth2Introspection implements CredentialProvider {

    private static final Logger LOG = LoggerFactory.getLogger(OAuth2Introspection.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration LEEWAY = Duration.ofSeconds(30);
    static final Duration REFUSAL_CACHE = Duration.ofSeconds(10);
    static final int MAX_CACHED = 10_000;
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,4096}");

    /** What the endpoint said of a token, judged: a principal, or why there is none; trusted until {@code until}. */
    private record Answer(Optional<Principal.OAuthToken> principal, String refusal, long until) {
    }

    private final OAuth2Settings settings;
    private final Clock clock;
    private final int maxCached;
    private final String basic;
    private final HttpClient http;
    private final Map<String, Answer> cache = new ConcurrentHashMap<>();

    OAuth2Introspection(OAuth2Settings settings, Clock clock, int maxCached) {
        this.settings = settings;
        this.clock = clock;
        this.maxCached = maxCached;
        this.basic = "Basic " + Base64.getEncoder().encodeToString((form(settings.clientId()) + ":"
                + form(settings.clientSecret())).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Empty when no introspection endpoint is configured. */
    public static Optional<OAuth2Introspection> of(Optional<OAuth2Settings> settings) {
        return settings.map(s -> new OAuth2Introspection(s, Clock.systemUTC(), MAX_CACHED));
    }

    @Override
    public boolean claims(String token) {
        return TOKEN.matcher(token).matches();
    }

    @Override
    public Principal authenticate(String token) {
        String key = Checksums.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
        long now = clock.millis();
        Answer answer = cache.get(key);
        if (answer == null || now >= answer.until()) {
            answer = judge(introspect(token), now);
            remember(key, answer, now);
        }
        String refusal = answer.refusal();
        return answer.principal().orElseThrow(() -> CairnException.of(ErrorCode.UNAUTHORIZED, refusal));
    }

    /** How many answers are cached now (expired ones included until they are swept). */
    int cached() {
        return cache.size();
    }

    private Answer judge(JsonNode body, long now) {
        long leeway = LEEWAY.toMillis();
        Optional<Long> exp = epochMillis(body, "exp");
        Optional<Long> nbf = epochMillis(body, "nbf");
        Optional<String> subject = text(body, "sub").or(() -> text(body, "username")).or(() -> text(body, "client_id"));
        if (!body.path("active").booleanValue()) {
            return refused("the OAuth2 token is not active: unknown, expired or revoked", now);
        }
        if (exp.isPresent() && exp.get() + leeway <= now) {
            return refused("the OAuth2 token has expired", now);
        }
        if (nbf.isPresent() && nbf.get() - leeway > now) {
            return refused("the OAuth2 token is not valid yet (nbf)", now);
        }
        if (settings.audience().isPresent() && !audiences(body).contains(settings.audience().get())) {
            return refused("the OAuth2 token is not for this audience (OAUTH2_AUDIENCE)", now);
        }
        if (subject.isEmpty()) {
            return refused("the OAuth2 token names no subject (sub, username or client_id)", now);
        }
        Principal.OAuthToken principal = new Principal.OAuthToken(subject.get(), roles(body),
                text(body, "client_id"), text(body, "tenant"), text(body, "platform"));
        long until = Math.min(now + settings.maxCache().toMillis(), exp.orElse(Long.MAX_VALUE));
        return new Answer(Optional.of(principal), "", until);
    }

    private Answer refused(String why, long now) {
        return new Answer(Optional.empty(), why, now + Math.min(REFUSAL_CACHE.toMillis(), settings.maxCache().toMillis()));
    }

    /** Bounded: expired answers are swept when it is full, and if that frees nothing it starts again empty. */
    private void remember(String key, Answer answer, long now) {
        if (answer.until() <= now) {
            return;
        }
        if (cache.size() >= maxCached) {
            cache.values().removeIf(a -> a.until() <= now);
            if (cache.size() >= maxCached) {
                cache.clear(); // a flood of distinct tokens only costs their introspection again
            }
        }
        cache.put(key, answer);
    }

    private JsonNode introspect(String token) {
        HttpRequest request = HttpRequest.newBuilder(settings.introspectionUrl()).timeout(settings.timeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", basic)
                .POST(HttpRequest.BodyPublishers.ofString("token=" + form(token) + "&token_type_hint=access_token"))
                .build();
        try {
            HttpResponse<byte[]> res = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
                throw failed("it answered HTTP " + res.statusCode(), Optional.of(res.statusCode()));
            }
            JsonNode body = JSON.readTree(res.body());
            if (body == null || !body.isObject() || !body.path("active").isBoolean()) {
                throw failed("its answer is not a JSON object with a boolean 'active'", Optional.empty());
            }
            return body;
        } catch (HttpConnectTimeoutException e) {
            throw failed("it could not be reached within " + settings.timeout().toMillis() + " ms", Optional.empty());
        } catch (HttpTimeoutException e) {
            LOG.warn("OAuth2 introspection at {} did not answer within {} ms", settings.describe(),
                    settings.timeout().toMillis());
            throw new CairnException(Problem.of(ErrorCode.UPSTREAM_TIMEOUT, "the OAuth2 introspection endpoint "
                    + settings.describe() + " did not answer within " + settings.timeout().toMillis() + " ms")
                    .with("upstream", settings.describe()));
        } catch (JsonProcessingException e) {
            throw failed("its answer is not JSON", Optional.empty());
        } catch (IOException e) {
            throw failed("it could not be reached (" + e.getClass().getSimpleName() + ")", Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed("interrupted", Optional.empty());
        }
    }

    private CairnException failed(String why, Optional<Integer> status) {
        LOG.warn("OAuth2 introspection at {} failed: {}", settings.describe(), why);
        Problem problem = Problem.of(ErrorCode.UPSTREAM_FAILED, "the OAuth2 introspection endpoint "
                + settings.describe() + " failed: " + why).with("upstream", settings.describe());
        return new CairnException(status.map(s -> problem.with("upstream_status", s)).orElse(problem));
    }

    /** The space-separated {@code scope}, then the {@code roles} claim (a list, or one string of them). */
    private static List<String> roles(JsonNode body) {
        Set<String> roles = new LinkedHashSet<>(words(body.path("scope").asText("")));
        JsonNode claim = body.path("roles");
        if (claim.isTextual()) {
            roles.addAll(words(claim.textValue()));
        }
        claim.forEach(role -> {
            if (role.isTextual()) {
                roles.add(role.textValue());
            }
        });
        return List.copyOf(roles);
    }

    private static List<String> words(String text) {
        return List.of(text.split("[\\s,]+")).stream().filter(w -> !w.isEmpty()).toList();
    }

    /** {@code aud} is one string or a list of them. */
    private static Set<String> audiences(JsonNode body) {
        JsonNode aud = body.path("aud");
        Set<String> out = new LinkedHashSet<>();
        if (aud.isTextual()) {
            out.add(aud.textValue());
        }
        aud.forEach(a -> {
            if (a.isTextual()) {
                out.add(a.textValue());
            }
        });
        return out;
    }

    private static Optional<Long> epochMillis(JsonNode body, String claim) {
        JsonNode value = body.path(claim);
        return value.isNumber() ? Optional.of(value.asLong() * 1000) : Optional.empty();
    }

    private static Optional<String> text(JsonNode body, String claim) {
        JsonNode value = body.path(claim);
        return value.isTextual() && !value.textValue().isEmpty() ? Optional.of(value.textValue()) : Optional.empty();
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
