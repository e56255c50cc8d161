package dev.cairn.identity;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where OAuth2 access tokens are introspected (RFC 7662) and how the answers are trusted.
 *
 * @param introspectionUrl {@code OAUTH2_INTROSPECTION_URL}
 * @param clientId         Cairn's client at the authorization server ({@code OAUTH2_CLIENT_ID}), sent with
 * @param clientSecret     its secret ({@code OAUTH2_CLIENT_SECRET}) as HTTP Basic authentication
 * @param audience         required in a token's {@code aud} when set ({@code OAUTH2_AUDIENCE})
 * @param maxCache         the longest an answer is trusted without asking again ({@code OAUTH2_CACHE_SECS});
 *                         never past the token's {@code exp}
 * @param timeout          how long one introspection may take ({@code OAUTH2_TIMEOUT_MS})
 */
public record OAuth2Settings(URI introspectionUrl, String clientId, String clientSecret, Optional<String> audience,
                             Duration maxCache, Duration timeout) {

    /** Where the endpoint is, for messages: no credentials, no query. */
    public String describe() {
        return introspectionUrl.getScheme() + "://" + introspectionUrl.getHost()
                + (introspectionUrl.getPort() < 0 ? "" : ":" + introspectionUrl.getPort())
                + Optional.ofNullable(introspectionUrl.getRawPath()).orElse("");
    }

    /** What a configuration says about itself: never the secret. */
    @Override
    public String toString() {
        return "OAuth2Settings[introspectionUrl=" + describe() + ", clientId=" + clientId + ", clientSecret=set"
                + ", audience=" + audience + ", maxCache=" + maxCache + ", timeout=" + timeout + "]";
    }
}
