package dev.cairn.server;

import dev.cairn.api.Routes;
import dev.cairn.api.Services;
import dev.cairn.bundle.BundleReader;
import dev.cairn.catalog.CatalogCache;
import dev.cairn.identity.PlatformTokens;
import dev.cairn.job.JobEngine;
import dev.cairn.job.V1Fleet;
import dev.cairn.data.Pipeline;
import dev.cairn.graphql.GraphqlExecutor;
import dev.cairn.data.WriteListener;
import dev.cairn.events.Relay;
import dev.cairn.events.RelayStatus;
import dev.cairn.fleet.DataApiSettingsStore;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.deploy.Deployer;
import dev.cairn.fleet.ControlDatabase;
import dev.cairn.fleet.DatabaseDirectory;
import dev.cairn.fleet.DatabaseLifecycle;
import dev.cairn.fleet.PlatformRoles;
import dev.cairn.fleet.Registrar;
import dev.cairn.fleet.Registry;
import dev.cairn.identity.AdminToken;
import dev.cairn.identity.Authenticator;
import dev.cairn.identity.JwtVerifier;
import dev.cairn.realm.Realms;
import dev.cairn.identity.OAuth2Introspection;
import dev.cairn.session.Sessions;
import dev.cairn.upstream.Playbooks;
import dev.cairn.identity.NetworkPolicy;
import dev.cairn.mesh.Mesh;
import dev.cairn.mesh.MeshTokens;
import dev.cairn.policy.RateGate;
import dev.cairn.ratelimit.RateLimits;
import dev.cairn.logging.LogEncoder;
import dev.cairn.metrics.Metrics;
import dev.cairn.policy.Policy;
import dev.cairn.pool.PoolManager;
import dev.cairn.pool.PoolSettings;
import io.helidon.webserver.WebServer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Cairn: pools, control database, engines and the HTTP server, wired by hand (no
 * container). {@link #close()} stops accepting requests, lets in-flight ones finish within the
 * grace period, then closes every pool.
 */
public final class Gateway implements AutoCloseable {

    public static final String VERSION = "0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** GraphQL schemas kept built: one per platform and schema version in use. */
    private static final int GRAPHQL_SCHEMAS = 256;

    private final WebServer server;
    private final PoolManager pools;
    private final ScheduledExecutorService housekeeping;
    private final JobEngine jobs;
    private final Registrar registrar;
    private final Optional<Relay> relay;
    private final GraphqlExecutor graphql;
    private final Mesh mesh;
    private final RateLimits rateLimits;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Gateway(WebServer server, PoolManager pools, ScheduledExecutorService housekeeping, JobEngine jobs,
                    Registrar registrar, Optional<Relay> relay, GraphqlExecutor graphql, Mesh mesh,
                    RateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.relay = relay;
        this.mesh = mesh;
        this.graphql = graphql;
        this.jobs = jobs;
        this.registrar = registrar;
        this.server = server;
        this.pools = pools;
        this.housekeeping = housekeeping;
    }

    public static Gateway start(Config config) {
        return start(config, identity -> { });
    }

    /**
     * A gateway whose authenticator is given more by {@code identity}: credential providers added
     * from outside and the mapping of client certificates (the realm store's; a test's).
     */
    public static Gateway start(Config config, Consumer<Authenticator.Builder> identity) {
        long started = System.nanoTime();
        LogEncoder.use(config.logFormat());
        ServerLimits postgres = ServerLimits.read(config);
        int maxTotal = postgres.maxTotalConnections(config);
        // Hikari schedules timers per connection (its max lifetime) here and cancels them when the
        // connection closes: without remove-on-cancel each cancelled timer stayed queued for 30 min,
        // so cycling pools grew the queue by one task per connection ever opened.
        ScheduledThreadPoolExecutor housekeeping = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("cairn-housekeeping").factory());
        housekeeping.setRemoveOnCancelPolicy(true);
        PoolManager pools = new PoolManager(config.postgres(), new PoolSettings(config.maxConnectionsPerPool(),
                maxTotal, config.poolAcquireTimeout(), config.statementTimeout(), config.poolIdleTimeout(),
                config.applicationName(), java.util.Set.of(config.controlDatabase(),
                config.postgres().maintenanceDatabase())), housekeeping);
        try {
            long limits = System.nanoTime();
            RateLimits rateLimits = RateLimits.create(config.rateLimits());
            Services services;
            try {
                services = services(config, postgres, pools, started, maxTotal, housekeeping, rateLimits, identity);
            } catch (RuntimeException e) {
                rateLimits.close();
                throw e;
            }
            try {
                services.jobs().recover();
                long engines = System.nanoTime();
                WebServer server = WebServer.builder()
                        .host(config.host())
                        .port(config.port())
                        .shutdownHook(false)
                        .shutdownGracePeriod(config.shutdownGrace())
                        .maxPayloadSize(Math.max(config.bundleLimits().maxArchiveBytes() + 1024 * 1024, config.maxJsonBytes()))
                        .update(builder -> config.tls().ifPresent(tls -> TlsListener.configure(builder, config.host(), tls)))
                        .update(builder -> Routes.install(builder, services))
                        .build()
                        .start();
                if (!server.isRunning()) { // Helidon logs a failed bind and returns instead of throwing
                    throw new CairnException(Problem.of(ErrorCode.INVALID_CONFIGURATION, "cannot listen on "
                            + config.host() + ":" + config.port() + config.tls().map(t -> " and " + t.port()).orElse("")
                            + " (GATEWAY_HOST/GATEWAY_PORT" + config.tls().map(t -> "/TLS_PORT").orElse("")
                            + "): is the port in use?"));
                }
                LOG.debug("start-up: connection budget {} ms, control database and engines {} ms, HTTP server {} ms",
                        (limits - started) / 1_000_000, (engines - limits) / 1_000_000,
                        (System.nanoTime() - engines) / 1_000_000);
                LOG.info("Cairn {} ready on http://{}:{} in {} ms (PostgreSQL {}, control database {}, at most {} connections)",
                        VERSION, config.host(), server.port(), (System.nanoTime() - started) / 1_000_000,
                        config.postgres().describe(), config.controlDatabase(), maxTotal);
                config.tls().ifPresent(tls -> LOG.info("TLS on https://{}:{}{}", config.host(),
                        server.port(TlsListener.SOCKET), tls.clientCa().map(ca -> " (client certificates of the CA in "
                                + ca + " accepted)").orElse("")));
                return new Gateway(server, pools, housekeeping, services.jobs(), services.registrar(), services.relay(),
                        services.graphql(), services.mesh(), rateLimits);
            } catch (RuntimeException e) {
                services.mesh().close();
                rateLimits.close();
                services.relay().ifPresent(Relay::close);
                throw e;
            }
        } catch (RuntimeException e) {
            pools.close();
            housekeeping.shutdownNow();
            throw e;
        }
    }

    private static Services services(Config config, ServerLimits postgres, PoolManager pools, long started,
                                     int maxTotal, ScheduledExecutorService housekeeping, RateLimits rateLimits,
                                     Consumer<Authenticator.Builder> identity) {
        ControlDatabase control = ControlDatabase.open(pools, config.postgres().maintenanceDatabase(),
                config.controlDatabase());
        Registry registry = new Registry(control);
        Metrics metrics = new Metrics(pools, VERSION, started);
        DatabaseDirectory directory = new DatabaseDirectory(registry);
        PlatformRoles roles = new PlatformRoles(registry, pools, config.postgres().maintenanceDatabase(),
                platformRolesEnabled(config, postgres));
        DataApiSettingsStore dataApiSettings = new DataApiSettingsStore(registry);
        Registrar registrar = new Registrar(registry, control, pools, new Deployer(config.deployTimeout()),
                BundleReader.create(config.bundleLimits()), directory, roles, config.allowedExtensions(),
                config.maxConnectionsPerPool() / 2, metrics, dataApiSettings, config.readyCopies());
        CatalogCache catalogs = new CatalogCache(pools, config.catalogCacheSize());
        // Each database a job migrates holds one connection: a quarter of the budget leaves the rest to traffic.
        JobEngine jobs = new JobEngine(control, registry, registrar, Math.max(1, maxTotal / 4), metrics);
        AdminToken admin = AdminToken.of(config.adminToken());
        PlatformTokens tokens = new PlatformTokens(registry);
        V1Fleet v1Fleet = new V1Fleet(registry, registrar, jobs);
        Realms realms = Realms.open(control);
        Policy policy = new Policy(admin.enabled(), config.playbookAccess(), realms.rules());
        Optional<Relay> relay = Relay.start(config.events(), directory, registry, roles, pools, housekeeping, control);
        Sessions sessions = Sessions.of(config.sessions(), control, relay.map(Relay::nats));
        Playbooks playbooks = Playbooks.of(config.upstream(), control, relay.map(Relay::nats), policy);
        housekeeping.scheduleWithFixedDelay(() -> purge(sessions, playbooks), 1, 60, TimeUnit.MINUTES);
        Pipeline pipeline = new Pipeline(directory, catalogs, pools, roles, dataApiSettings, policy,
                config.idempotencyRetention(), relay.<WriteListener>map(r -> r).orElse(WriteListener.NONE));
        GraphqlExecutor graphql = new GraphqlExecutor(pipeline, config.graphqlLimits(), GRAPHQL_SCHEMAS, playbooks);
        directory.onDeployed(database -> Thread.ofVirtual().start(() -> directory.find(database)
                .filter(r -> r.tenant().isPresent())
                .ifPresent(r -> graphql.warm(r.platform(), r.tenant().get(), r.checksum()))));
        MeshTokens meshTokens = new MeshTokens(realms.directory(), config.mesh().consoleKey(), config.mesh().tokenSecret(),
                config.mesh().tokenTtl());
        RateGate rates = new RateGate(policy.realms(), rateLimits.limiter());
        Mesh mesh = Mesh.of(relay.map(Relay::nats), config.mesh().subjectPrefix(), config.mesh().presenceBucket(),
                policy, realms.directory(), (principal, route) -> rates.take(principal, Optional.empty(), route));
        return new Services(registrar, registry, control, pipeline, catalogs, jobs, v1Fleet, tokens, pools,
                authenticator(config, admin, tokens, sessions, realmMembers(realms, meshTokens).andThen(identity)), policy,
                new NetworkPolicy(config.allowedNetworks(), config.trustedProxies()), config.healthPublic(),
                config.bundleLimits(), config.maxJsonBytes(), VERSION, started, metrics, config.migrateAllSyncWait(),
                dataApiSettings, config.defaultPlatform(),
                new DatabaseLifecycle(registry, directory, pools, config.postgres().maintenanceDatabase()), relay,
                config.events(), graphql, sessions,
                playbooks, realms, mesh, meshTokens, rates);
    }

    /** Realm members as credentials: their keys and tokens, and client certificates that name one. */
    private static Consumer<Authenticator.Builder> realmMembers(Realms realms, MeshTokens meshTokens) {
        return b -> b.add(meshTokens).clientCertificates((subject, sans) -> realms.directory()
                .memberByCertificate(subject, sans).map(meshTokens::principal));
    }

    private static Authenticator authenticator(Config config, AdminToken admin, PlatformTokens tokens, Sessions sessions,
                                               Consumer<Authenticator.Builder> identity) {
        Authenticator.Builder builder = Authenticator.builder().admin(admin).sessions(sessions).platformTokens(tokens)
                .jwts(JwtVerifier.of(config.jwt())).introspection(OAuth2Introspection.of(config.oauth2()));
        identity.accept(builder);
        return builder.build();
    }

    /** Hourly: sessions that ended a day ago, callback signatures past their window, week-old playbook runs. */
    private static void purge(Sessions sessions, Playbooks playbooks) {
        try {
            int removed = sessions.purge();
            if (removed > 0) {
                LOG.info("sessions: removed {} that ended more than a day ago", removed);
            }
            playbooks.purge();
        } catch (RuntimeException e) {
            LOG.warn("purging ended sessions and old playbook runs failed: {}", e.getMessage());
        }
    }

    /** PLATFORM_ROLES: on needs a user that may create roles; auto uses them when it may. */
    private static boolean platformRolesEnabled(Config config, ServerLimits postgres) {
        boolean canCreate = postgres.canCreateRoles();
        boolean superuser = postgres.superuser();
        boolean enabled = switch (config.platformRoles()) {
            case "off" -> false;
            case "on" -> {
                if (!canCreate) {
                    throw new CairnException(Problem.of(ErrorCode.INVALID_CONFIGURATION, "PLATFORM_ROLES: on, but "
                            + config.postgres().user() + " may not create roles (needs CREATEROLE)"));
                }
                yield true;
            }
            default -> canCreate;
        };
        if (!enabled && superuser) {
            LOG.warn("platform SQL runs as {}, a superuser: set PLATFORM_ROLES=auto (or on) to run it as one role"
                    + " per platform", config.postgres().user());
        } else if (!enabled) {
            LOG.info("platform roles are off: platform SQL runs as {}", config.postgres().user());
        }
        return enabled;
    }

    public int port() {
        return server.port();
    }

    /** The TLS listener's port, when {@code TLS_CERT} and {@code TLS_KEY} are set. */
    public Optional<Integer> tlsPort() {
        int port = server.port(TlsListener.SOCKET);
        return port < 0 ? Optional.empty() : Optional.of(port);
    }

    public PoolManager pools() {
        return pools;
    }

    /** Whether GraphQL has the schema of the platform at this schema version built (a deploy warms it). */
    public boolean graphqlSchemaReady(String platform, String checksum) {
        return graphql.ready(platform, checksum);
    }

    /** The outbox relay's state, when NATS is configured. */
    public Optional<RelayStatus> relayStatus() {
        return relay.map(Relay::status);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("stopping: finishing in-flight requests");
        server.stop();
        jobs.close();
        registrar.close();
        mesh.close();
        rateLimits.close();
        relay.ifPresent(Relay::close);
        pools.close();
        housekeeping.shutdownNow();
        LOG.info("stopped");
    }
}
