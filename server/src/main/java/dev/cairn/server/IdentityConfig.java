package dev.cairn.server;

import dev.cairn.identity.JwtSettings;
import dev.cairn.policy.PlaybookRules;
import dev.cairn.session.SessionSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The environment's word on who may come in: bearer JWTs and login sessions. */
final class IdentityConfig {

    private IdentityConfig() {
    }

    /** HS256 needs a secret of at least 256 bits; the JWKS URL must be http(s). */
    static JwtSettings jwt(Env env) {
        Optional<String> secret = env.get("JWT_SECRET").filter(s -> !s.isEmpty());
        if (secret.isPresent() && secret.get().getBytes(StandardCharsets.UTF_8).length < 32) {
            throw Env.bad("JWT_SECRET", "must be at least 32 bytes (HS256 needs a 256-bit secret)");
        }
        return new JwtSettings(secret, httpUrl(env, "JWT_JWKS_URL"), nonEmpty(env, "JWT_AUDIENCE"),
                nonEmpty(env, "JWT_ISSUER"), env.seconds("JWT_LEEWAY_SECS", 30));
    }

    /** Logins: the OIDC provider, the NATS key-value cache, the longest session. */
    static SessionSettings sessions(Env env) {
        Optional<URI> issuer = httpUrl(env, "OIDC_ISSUER");
        String bucket = env.string("NATS_SESSION_BUCKET", "sessions");
        if (!bucket.matches("[A-Za-z0-9_-]{1,64}")) {
            throw Env.bad("NATS_SESSION_BUCKET", "use letters, digits, '_' and '-' (at most 64)");
        }
        return new SessionSettings(issuer.map(URI::toString), nonEmpty(env, "OIDC_AUDIENCE"),
                httpUrl(env, "OIDC_JWKS_URL"), env.string("OIDC_ROLES_CLAIM", "roles"), bucket,
                Duration.ofSeconds(env.integer("NATS_SESSION_CACHE_TTL_SECS", 300, 1, 7 * 24 * 3600)),
                Duration.ofHours(env.integer("SESSION_MAX_HOURS", 24 * 7, 1, 24 * 365)));
    }

    /** {@code PLAYBOOK_ACCESS}: who may execute, view or edit which playbooks; admins only when unset. */
    static PlaybookRules playbookAccess(Env env) {
        return nonEmpty(env, "PLAYBOOK_ACCESS").map(json -> {
            try {
                return PlaybookRules.parse(json);
            } catch (IllegalArgumentException e) {
                throw Env.bad("PLAYBOOK_ACCESS", e.getMessage());
            }
        }).orElseGet(PlaybookRules::adminsOnly);
    }

    static Optional<String> nonEmpty(Env env, String name) {
        return env.get(name).map(String::strip).filter(s -> !s.isEmpty());
    }

    /** An http(s) URL with a host, or nothing when the variable is unset or empty. */
    static Optional<URI> httpUrl(Env env, String name) {
        return nonEmpty(env, name).map(url -> {
            try {
                URI uri = new URI(url);
                if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                    throw Env.bad(name, "expected an http(s) URL, got '" + url + "'");
                }
                return uri;
            } catch (URISyntaxException e) {
                throw Env.bad(name, "expected an http(s) URL, got '" + url + "'");
            }
        });
    }
}
