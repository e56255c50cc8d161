package dev.cairn.server;

import dev.cairn.bundle.BundleLimits;
import dev.cairn.events.EventSettings;
import dev.cairn.identity.Cidr;
import dev.cairn.identity.JwtSettings;
import dev.cairn.pool.PgServer;
import dev.cairn.session.SessionSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything Cairn is told at start-up, validated once. Names and defaults follow the
 * StoneScriptDB gateway where it had them, so its {@code .env} files keep working.
 *
 * @param maxTotalConnections empty means "derive from the server's max_connections at start-up"
 * @param logFormat           {@code text} or {@code json} (one JSON object per line)
 * @param migrateAllSyncWait  how long {@code POST /v2/migrate-all} waits to answer 200 with the finished job
 *                            before it answers 202 with the job's id (zero: always 202)
 * @param jwt                 how bearer JWTs are verified (none accepted when neither secret nor JWKS is set)
 * @param defaultPlatform     the data API's platform when neither the credentials nor {@code x-platform} name one
 * @param idempotencyRetention how long the data API keeps idempotency keys (and so replays their answers)
 * @param postgresConfigured  whether DATABASE_URL or any DB_* variable names the server (else Cairn may start
 *                            its embedded one)
 * @param embeddedPostgres    {@code auto} (when no server is configured and none answers on localhost:5432),
 *                            {@code on} (whenever no server is configured) or {@code off}
 * @param embeddedDataDirectory where the embedded PostgreSQL keeps its data
 * @param readyCopies         tenant databases copied ahead of time per platform and schema, renamed on creation
 * @param catalogCacheSize    databases whose catalog is kept in memory (the least recently used go first)
 * @param events              the outbox relay to NATS JetStream (off without {@code NATS_URL})
 * @param graphqlLimits       how much one GraphQL request may ask for
 * @param playbookAccess      who may execute, view or edit which upstream playbooks ({@code PLAYBOOK_ACCESS})
 * @param upstream            the workflow server playbooks run on ({@code NOETL_BASE_URL}) and its callbacks
 * @param mesh                the realm mesh: console key, member tokens, NATS subjects and presence bucket
 * @param rateLimits          where rate-limit buckets live (this instance or Redis) and what happens when Redis is down
 * @param sessions            logins through an OIDC provider ({@code OIDC_ISSUER}) and their NATS key-value cache
 * @param oauth2              OAuth2 access tokens introspected at {@code OAUTH2_INTROSPECTION_URL}, when set
 * @param tls                 the TLS listener ({@code TLS_CERT}, {@code TLS_KEY}, {@code TLS_CLIENT_CA}), when set
 */
public record Config(
        PgServer postgres,
        boolean postgresConfigured,
        String controlDatabase,
        String host,
        int port,
        int maxConnectionsPerPool,
        Optional<Integer> maxTotalConnections,
        Duration poolIdleTimeout,
        Duration poolAcquireTimeout,
        Duration statementTimeout,
        Duration deployTimeout,
        List<Cidr> allowedNetworks,
        List<Cidr> trustedProxies,
        boolean healthPublic,
        Optional<String> adminToken,
        String logLevel,
        String logFormat,
        BundleLimits bundleLimits,
        long maxJsonBytes,
        Duration shutdownGrace,
        String applicationName,
        String platformRoles,
        java.util.Set<String> allowedExtensions,
        Duration migrateAllSyncWait,
        JwtSettings jwt,
        Optional<String> defaultPlatform,
        Duration idempotencyRetention,
        String embeddedPostgres,
        Path embeddedDataDirectory, int readyCopies, int catalogCacheSize, EventSettings events,
        dev.cairn.graphql.Limits graphqlLimits, SessionSettings sessions,
        dev.cairn.policy.PlaybookRules playbookAccess, dev.cairn.upstream.UpstreamSettings upstream,
        dev.cairn.mesh.MeshSettings mesh, dev.cairn.ratelimit.RateLimitSettings rateLimits,
        Optional<dev.cairn.identity.OAuth2Settings> oauth2, Optional<TlsSettings> tls) {

    static final String DEFAULT_ALLOWED = "127.0.0.0/8,::1/128,192.168.0.0/16";

    public Config {
        allowedNetworks = List.copyOf(allowedNetworks);
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** From the process environment and {@code .env} in the working directory (or {@code CAIRN_ENV_FILE}). */
    public static Config fromEnvironment() {
        Map<String, String> env = System.getenv();
        Path dotEnv = Path.of(env.getOrDefault("CAIRN_ENV_FILE", ".env"));
        return from(Env.load(env, dotEnv));
    }

    public static Config fromMap(Map<String, String> values) {
        return from(Env.of(values));
    }

    static Config from(Env env) {
        return new Config(
                postgres(env),
                env.get("DATABASE_URL").isPresent() || env.names().stream().anyMatch(n -> n.startsWith("DB_")),
                identifier(env, "CONTROL_DB", "cairn"),
                env.string("GATEWAY_HOST", "127.0.0.1"),
                env.integer("GATEWAY_PORT", 9000, 0, 65535),
                env.integer("MAX_CONNECTIONS_PER_POOL", 10, 1, 10_000),
                env.optionalInteger("MAX_TOTAL_CONNECTIONS", 4, 100_000),
                env.seconds("POOL_IDLE_TIMEOUT_SECS", 1800),
                atLeast(env.millis("POOL_ACQUIRE_TIMEOUT_MS", 5000), 250, "POOL_ACQUIRE_TIMEOUT_MS"),
                env.millis("STATEMENT_TIMEOUT_MS", 30_000),
                env.seconds("DEPLOY_TIMEOUT_SECS", 600),
                cidrs(env, "ALLOWED_NETWORKS", DEFAULT_ALLOWED),
                cidrs(env, "TRUSTED_PROXIES", ""),
                env.bool("HEALTH_PUBLIC", true),
                env.get("ADMIN_TOKEN"),
                logLevel(env),
                env.oneOf("LOG_FORMAT", List.of("text", "json")),
                limits(env),
                env.bytes("MAX_JSON_BYTES", 10L * 1024 * 1024),
                env.seconds("SHUTDOWN_GRACE_SECS", 30),
                env.string("APPLICATION_NAME", "cairn"),
                env.oneOf("PLATFORM_ROLES", List.of("auto", "on", "off")),
                java.util.Set.copyOf(Arrays.stream(env.string("EXTENSIONS_ALLOWED", "").split(","))
                        .map(String::strip).filter(x -> !x.isEmpty()).toList()),
                // The StoneScript clients give up on a migrate-all after 300 s: answer well before.
                Duration.ofSeconds(env.integer("MIGRATE_ALL_SYNC_SECS", 20, 0, 240)),
                IdentityConfig.jwt(env),
                env.get("DEFAULT_PLATFORM").map(String::strip).filter(p -> !p.isEmpty()),
                Duration.ofHours(env.integer("IDEMPOTENCY_RETENTION_HOURS", 24, 1, 24 * 30)),
                env.oneOf("EMBEDDED_PG", List.of("auto", "on", "off")),
                Path.of(env.string("EMBEDDED_PG_DIR", ".cairn/pg")),
                env.integer("READY_COPIES", 2, 0, 50),
                env.integer("CATALOG_CACHE_SIZE", 1000, 1, 1_000_000),
                events(env),
                new dev.cairn.graphql.Limits(env.integer("GRAPHQL_MAX_DEPTH", 12, 1, 100),
                        env.integer("GRAPHQL_MAX_BREADTH", 100, 1, 10_000),
                        env.integer("GRAPHQL_MAX_COST", 100_000, 1, Integer.MAX_VALUE)),
                IdentityConfig.sessions(env), IdentityConfig.playbookAccess(env), UpstreamConfig.upstream(env),
                MeshConfig.mesh(env), RateLimitConfig.rateLimits(env), IdentityConfig.oauth2(env), IdentityConfig.tls(env));
    }

    /** The same configuration on another PostgreSQL server (the embedded one, once it runs). */
    Config on(PgServer server) {
        return new Config(server, true, controlDatabase, host, port, maxConnectionsPerPool, maxTotalConnections,
                poolIdleTimeout, poolAcquireTimeout, statementTimeout, deployTimeout, allowedNetworks, trustedProxies,
                healthPublic, adminToken, logLevel, logFormat, bundleLimits, maxJsonBytes, shutdownGrace,
                applicationName, platformRoles, allowedExtensions, migrateAllSyncWait, jwt, defaultPlatform,
                idempotencyRetention, embeddedPostgres, embeddedDataDirectory, readyCopies, catalogCacheSize, events,
                graphqlLimits, sessions, playbookAccess, upstream, mesh, rateLimits, oauth2, tls);
    }

    private static PgServer postgres(Env env) {
        Optional<String> url = env.get("DATABASE_URL");
        if (url.isPresent()) {
            return PgServer.fromUrl(url.get());
        }
        return new PgServer(
                env.string("DB_HOST", "localhost"),
                env.integer("DB_PORT", 5432, 1, 65535),
                env.string("DB_NAME", "postgres"),
                env.string("DB_USER", "postgres"),
                env.string("DB_PASSWORD", ""),
                Map.of());
    }

    private static BundleLimits limits(Env env) {
        BundleLimits d = BundleLimits.defaults();
        return new BundleLimits(
                env.bytes("BUNDLE_MAX_BYTES", d.maxArchiveBytes()),
                env.bytes("BUNDLE_MAX_EXPANDED_BYTES", d.maxExpandedBytes()),
                env.integer("BUNDLE_MAX_FILES", d.maxFiles(), 1, 10_000_000),
                env.bytes("BUNDLE_MAX_FILE_BYTES", d.maxFileBytes()));
    }

    private static List<Cidr> cidrs(Env env, String name, String fallback) {
        String raw = env.get(name).orElse(fallback);
        try {
            return Arrays.stream(raw.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .map(Cidr::parse).toList();
        } catch (dev.cairn.error.CairnException e) {
            throw Env.bad(name, e.getMessage());
        }
    }

    private static String identifier(Env env, String name, String fallback) {
        String value = env.string(name, fallback);
        if (!value.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw Env.bad(name, "expected a lower-case database name (a-z, 0-9, _), got '" + value + "'");
        }
        return value;
    }

    private static String logLevel(Env env) {
        String level = env.string("LOG_LEVEL", "info").toUpperCase(java.util.Locale.ROOT);
        if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(level)) {
            throw Env.bad("LOG_LEVEL", "expected trace, debug, info, warn, error or off, got '" + level + "'");
        }
        return level;
    }

    private static EventSettings events(Env env) {
        Optional<String> url = env.get("NATS_URL").map(String::strip).filter(u -> !u.isEmpty());
        url.ifPresent(u -> {
            if (!u.matches("(?i)(nats|tls|ws|wss)://.+")) {
                throw Env.bad("NATS_URL", "use nats://[user:password@]host:port (or tls://, ws://, wss://)");
            }
        });
        String stream = env.string("EVENTS_STREAM", "CAIRN_EVENTS");
        if (!stream.matches("[A-Za-z0-9_-]{1,64}")) {
            throw Env.bad("EVENTS_STREAM", "use letters, digits, '_' and '-' (at most 64)");
        }
        String prefix = env.string("EVENTS_SUBJECT_PREFIX", "cairn");
        if (!prefix.matches("[A-Za-z0-9_-]{1,64}")) {
            throw Env.bad("EVENTS_SUBJECT_PREFIX", "one subject token: letters, digits, '_' and '-'");
        }
        Duration maxAge = Duration.ofHours(env.integer("EVENTS_MAX_AGE_HOURS", 24 * 7, 1, 24 * 365 * 10));
        Duration window = Duration.ofSeconds(env.integer("EVENTS_DUPLICATE_WINDOW_SECS", 120, 1, 7 * 24 * 3600));
        if (window.compareTo(maxAge) > 0) {
            throw Env.bad("EVENTS_DUPLICATE_WINDOW_SECS", "longer than EVENTS_MAX_AGE_HOURS: the stream would"
                    + " forget an event before its id");
        }
        return new EventSettings(url, env.get("NATS_CREDS").filter(c -> !c.isBlank()).map(Path::of), stream, prefix,
                maxAge, window, Duration.ofHours(env.integer("OUTBOX_RETENTION_HOURS", 24, 1, 24 * 365)),
                Duration.ofMillis(env.integer("EVENTS_SWEEP_MS", 5000, 100, 3_600_000)),
                Duration.ofSeconds(env.integer("EVENTS_FULL_SWEEP_SECS", 600, 10, 7 * 24 * 3600)),
                env.integer("EVENTS_RELAY_WORKERS", 4, 1, 64), env.integer("EVENTS_BATCH", 500, 1, 10_000),
                env.integer("EVENTS_MAX_ATTEMPTS", 10, 1, 1000), env.integer("EVENTS_MAX_CONNECTIONS", 20, 1, 100_000),
                env.integer("EVENTS_MAX_SUBSCRIPTIONS", 50, 1, 10_000),
                env.integer("EVENTS_SUBSCRIBER_BUFFER", 1000, 10, 1_000_000),
                Duration.ofSeconds(env.integer("CREDENTIALS_RECHECK_SECS", 30, 1, 3600)));
    }

    private static Duration atLeast(Duration value, long millis, String name) {
        if (value.toMillis() < millis) {
            throw Env.bad(name, "must be at least " + millis + " ms");
        }
        return value;
    }
}
