package dev.cairn.session;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How logins become sessions: the identity provider whose tokens a login presents (OIDC: its
 * issuer, the audience its tokens name, its keys from the issuer's JWKS), the claim holding roles,
 * the NATS key-value bucket caching sessions and for how long, and the longest session allowed.
 *
 * @param issuer     {@code OIDC_ISSUER}; none: logins are refused ({@code 503 sessions_disabled})
 * @param audience   {@code OIDC_AUDIENCE}: required in a login token's {@code aud} when set
 * @param jwksUrl    {@code OIDC_JWKS_URL}; by default the {@code jwks_uri} the issuer's discovery document names
 * @param rolesClaim {@code OIDC_ROLES_CLAIM}
 * @param bucket     {@code NATS_SESSION_BUCKET}
 * @param cacheTtl   {@code NATS_SESSION_CACHE_TTL_SECS}: how long an entry lives in the cache
 * @param longest    {@code SESSION_MAX_HOURS}: the most {@code session_duration_hours} may ask
 */
public record SessionSettings(Optional<String> issuer, Optional<String> audience, Optional<URI> jwksUrl,
                              String rolesClaim, String bucket, Duration cacheTtl, Duration longest) {
}
