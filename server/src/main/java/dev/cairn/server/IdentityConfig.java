package dev.cairn.server;

import dev.cairn.identity.JwtSettings;
import dev.cairn.identity.OAuth2Settings;
import dev.cairn.policy.PlaybookRules;
import dev.cairn.session.SessionSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The environment's word on who may come in: bearer JWTs, OAuth2 tokens, login sessions, client certificates. */
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

    /**
     * OAuth2 introspection, when {@code OAUTH2_INTROSPECTION_URL} is set: it needs Cairn's client id and
     * secret (the endpoint authenticates its callers), and neither may be set without it.
     */
    static Optional<OAuth2Settings> oauth2(Env env) {
        Optional<URI> url = httpUrl(env, "OAUTH2_INTROSPECTION_URL");
        Optional<String> id = nonEmpty(env, "OAUTH2_CLIENT_ID");
        Optional<String> secret = nonEmpty(env, "OAUTH2_CLIENT_SECRET");
        if (url.isEmpty()) {
            if (id.isPresent() || secret.isPresent()) {
                throw Env.bad("OAUTH2_INTROSPECTION_URL", "is needed where OAUTH2_CLIENT_ID/OAUTH2_CLIENT_SECRET are set");
            }
            return Optional.empty();
        }
        url.filter(u -> u.getRawUserInfo() != null).ifPresent(u -> {
            throw Env.bad("OAUTH2_INTROSPECTION_URL", "put no credentials in the URL: set OAUTH2_CLIENT_ID and OAUTH2_CLIENT_SECRET");
        });
        return Optional.of(new OAuth2Settings(url.get(),
                id.orElseThrow(() -> Env.bad("OAUTH2_CLIENT_ID", "is needed with OAUTH2_INTROSPECTION_URL")),
                secret.orElseThrow(() -> Env.bad("OAUTH2_CLIENT_SECRET", "is needed with OAUTH2_INTROSPECTION_URL")),
                nonEmpty(env, "OAUTH2_AUDIENCE"),
                Duration.ofSeconds(env.integer("OAUTH2_CACHE_SECS", 300, 0, 24 * 3600)),
                Duration.ofMillis(env.integer("OAUTH2_TIMEOUT_MS", 2000, 100, 60_000))));
    }

    /**
     * The TLS listener, when {@code TLS_CERT} and {@code TLS_KEY} are set (both, or neither); with
     * {@code TLS_CLIENT_CA} it asks for client certificates. The files must be readable now: what
     * they hold is read when the listener starts.
     */
    static Optional<TlsSettings> tls(Env env) {
        Optional<Path> cert = file(env, "TLS_CERT");
        Optional<Path> key = file(env, "TLS_KEY");
        Optional<Path> clientCa = file(env, "TLS_CLIENT_CA");
        if (cert.isPresent() != key.isPresent()) {
            throw Env.bad(cert.isPresent() ? "TLS_KEY" : "TLS_CERT", "TLS_CERT and TLS_KEY are set together");
        }
        if (cert.isEmpty()) {
            if (clientCa.isPresent()) {
                throw Env.bad("TLS_CLIENT_CA", "needs the TLS listener: set TLS_CERT and TLS_KEY too");
            }
            return Optional.empty();
        }
        return Optional.of(new TlsSettings(cert.get(), key.get(), clientCa, env.integer("TLS_PORT", 8443, 0, 65535)));
    }

    private static Optional<Path> file(Env env, String name) {
        return nonEmpty(env, name).map(Path::of).map(path -> {
            if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw Env.bad(name, "cannot read the file " + path);
            }
            return path;
        });
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
