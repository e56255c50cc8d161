package dev.cairn.fleet;

import dev.cairn.bundle.Bundle;
import dev.cairn.bundle.BundleReader;
import dev.cairn.entity.DataApiSettings;
import dev.cairn.bundle.Variant;
import dev.cairn.deploy.BundleDigest;
import dev.cairn.deploy.DeployContext;
import dev.cairn.deploy.DeployResult;
import dev.cairn.deploy.Deployer;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.metrics.Metrics;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import dev.cairn.sql.Locks;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating databases for platforms: {@code /register} (a bundle uploaded with the request) and
 * tenant creation (the platform's stored bundle).
 *
 * <p>The bundle is read and validated before any database exists. Creation is serialized per
 * database name (in-process, then by an advisory lock in the control database, so two Cairn
 * instances agree too). A database that fails to deploy is dropped, and only a database this
 * request created is ever dropped. The bundle is stored as a schema version in the same
 * transaction that records the database, so refused and failed uploads leave nothing behind.
 * At most {@code concurrency} provisionings run at once, so they can never take every control
 * connection away from lookups, audit writes and {@code /health}.
 */
public final class Registrar implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);

    private final Registry registry;
    private final ControlDatabase control;
    private final PoolManager pools;
    private final Deployer deployer;
    private final BundleReader reader;
    private final Provisioner provisioner;
    private final Templates templates;
    private final DatabaseDirectory directory;
    private final KeyedLocks locks = new KeyedLocks();
    private final Semaphore slots;
    private final PlatformRoles roles;
    private final StoredBundles stored;
    private final SuperuserExtensions extensions;
    private final DatabaseMigrator migrator;
    private final Metrics metrics;
    private final DataApiSettingsStore dataApi;
    private final ReadyCopies readyCopies;

    /** What to create: the database, whose it is, and the bundle (with its archive if it is new). */
    private record Plan(String database, String platform, Optional<String> tenant, String schemaName,
                        Bundle bundle, String checksum, Optional<byte[]> newArchive, Optional<SchemaVersion> stored) {
    }

    public Registrar(Registry registry, ControlDatabase control, PoolManager pools, Deployer deployer,
                     BundleReader reader, DatabaseDirectory directory, PlatformRoles roles,
                     Set<String> allowedExtensions, int concurrency, Metrics metrics, DataApiSettingsStore dataApi,
                     int readyCopies) {
        this.registry = registry;
        this.dataApi = dataApi;
        this.metrics = metrics;
        this.roles = roles;
        this.extensions = new SuperuserExtensions(allowedExtensions);
        this.control = control;
        this.pools = pools;
        this.deployer = deployer;
        this.reader = reader;
        this.directory = directory;
        this.slots = new Semaphore(Math.max(1, concurrency), true);
        this.provisioner = new Provisioner(pools, control.maintenanceDatabase());
        this.templates = new Templates(registry, provisioner, pools, deployer, locks);
        this.readyCopies = new ReadyCopies(registry, provisioner, readyCopies);
        this.stored = new StoredBundles(registry, reader);
        this.migrator = new DatabaseMigrator(registry, pools, deployer, provisioner, templates, roles, directory, locks,
                extensions, metrics);
    }

    /** Migrates existing databases with the same templates, locks and roles this registrar creates them with. */
    public DatabaseMigrator migrator() {
        return migrator;
    }

    /**
     * An uploaded bundle as a migrate target: read and validated as the given variant, then
     * stored as the next version of the schema (a no-op when the content is already stored), or
     * not stored at all for a dry run.
     */
    public MigrationTarget upload(String platform, String schemaName, byte[] archive, Variant variant, boolean store) {
        Bundle bundle = reader.read(archive, variant);
        Optional<DataApiSettings> settings = dataApiSettings(bundle);
        String checksum = BundleDigest.of(bundle);
        if (!store) {
            return new MigrationTarget(schemaName, bundle, checksum, Optional.empty());
        }
        MigrationTarget target = MigrationTarget.stored(registry.storeVersion(platform, schemaName, archive, bundle,
                checksum), bundle, checksum);
        settings.ifPresent(s -> dataApi.save(platform, s, "bundle", "bundle:" + schemaName));
        return target;
    }

    /**
     * The data-API settings a bundle ships ({@code postgresql/data-api.json}), validated before
     * anything is created or stored; they are stored with the bundle, replacing the platform's
     * current ones (an operator's {@code PUT} replaces them in turn).
     */
    private static Optional<DataApiSettings> dataApiSettings(Bundle bundle) {
        return bundle.dataApi().map(text -> DataApiSettings.parseFile(text, "postgresql/" + Bundle.DATA_API));
    }

    /** A stored version as a migrate target, read as the main or the tenant variant of its archive. */
    public MigrationTarget target(SchemaVersion version, Variant variant) {
        return stored.target(version, variant);
    }

    /** v1 {@code /register}: the platform's main database, or a tenant's, from the uploaded bundle. */
    public Registration register(String platformName, Optional<String> tenantId, byte[] archive, RequestMeta meta) {
        String platform = Names.platform(platformName);
        Optional<String> tenant = Names.tenant(tenantId);
        String database = checkedName(platform, tenant);
        Bundle bundle = reader.read(archive, tenant.isPresent() ? Variant.TENANT : Variant.MAIN);
        Optional<DataApiSettings> settings = dataApiSettings(bundle);
        String schemaName = tenant.isPresent() ? "tenant" : Names.MAIN;
        Registration registration = provision(new Plan(database, platform, tenant, schemaName, bundle,
                BundleDigest.of(bundle), Optional.of(archive), Optional.empty()), meta);
        settings.ifPresent(s -> dataApi.save(platform, s, "bundle", meta.actor()));
        return registration;
    }

    /** Drops the template databases no database and no latest schema version needs (their records stay). */
    public List<String> dropUnusedTemplates() {
        List<String> dropped = templates.dropUnused();
        readyCopies.dropOrphaned();
        return dropped;
    }

    /** Stops making ready copies (waits for the one being made); creations and migrates still work. */
    @Override
    public void close() {
        readyCopies.close();
    }

    /** A tenant database from the platform's tenant schema, or else its last deployed bundle. */
    public Registration createTenant(String platformName, String tenantId, RequestMeta meta) {
        String platform = Names.platform(platformName);
        Optional<String> tenant = Names.tenant(Optional.ofNullable(tenantId));
        if (tenant.isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "tenant_id is required")
                    .with("field", "tenant_id"));
        }
        String database = checkedName(platform, tenant);
        registry.requirePlatform(platform, "; POST /register its bundle first");
        SchemaVersion version = registry.latestVersion(platform, "tenant")
                .or(() -> registry.latestVersionOfPlatform(platform))
                .orElseThrow(() -> new CairnException(Problem.of(ErrorCode.SCHEMA_NOT_FOUND,
                        "platform " + platform + " has no stored bundle; POST /register one first")));
        MigrationTarget p = stored.target(version, Variant.TENANT);
        return provision(new Plan(database, platform, tenant, version.schemaName(), p.bundle(), p.checksum(),
                Optional.empty(), Optional.of(version)), meta);
    }

    /**
     * v2/v4 {@code /database/create}: {@code {platform}_{schema}[_{id}]} from the schema's latest
     * stored version (a template copy).
     */
    public Registration createDatabase(String platformName, String schemaName, Optional<String> databaseId,
                                       RequestMeta meta) {
        String platform = Names.platform(platformName);
        String schema = Names.schema(schemaName);
        Optional<String> id = databaseId.map(String::strip).filter(s -> !s.isEmpty()).map(Names::databaseId);
        String database = checked(Names.database(platform, schema, id));
        registry.requirePlatform(platform, "; POST /platform/register it first");
        SchemaVersion version = registry.latestVersion(platform, schema)
                .orElseThrow(() -> new CairnException(Problem.of(ErrorCode.SCHEMA_NOT_FOUND, "platform " + platform
                        + " has no schema " + schema + "; POST /platform/" + platform + "/schema it first")));
        MigrationTarget p = stored.target(version, version.variant());
        return provision(new Plan(database, platform, id, schema, p.bundle(), p.checksum(), Optional.empty(),
                Optional.of(version)), meta);
    }

    private String checkedName(String platform, Optional<String> tenant) {
        return checked(Names.database(platform, tenant));
    }

    private String checked(String database) {
        if (database.equals(control.name()) || database.equals(control.maintenanceDatabase())) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                    "database name " + database + " is Cairn's own; choose another platform or tenant name"));
        }
        return database;
    }

    /** Counted in the metrics as a template copy or a fresh deploy, whichever it is. */
    private Registration provision(Plan plan, RequestMeta meta) {
        Metrics.DeployKind kind = usesTemplate(plan) ? Metrics.DeployKind.TEMPLATE_COPY : Metrics.DeployKind.FRESH_DEPLOY;
        return metrics.deploy(kind, () -> provisionNow(plan, meta), r -> "completed");
    }

    private static boolean usesTemplate(Plan plan) {
        return plan.tenant().isPresent() || plan.stored().isPresent();
    }

    private Registration provisionNow(Plan plan, RequestMeta meta) {
        long started = System.nanoTime();
        DeployContext ctx = new DeployContext(meta.requestId(), meta.actor(), plan.platform(), plan.schemaName(),
                plan.checksum());
        slots.acquireUninterruptibly();
        try {
            Registration registration = locks.with("database:" + plan.database(), () -> {
                Optional<Login> owner = roles.ensure(plan.platform());
                Optional<Templates.Template> template = usesTemplate(plan)
                        ? Optional.of(templates.ensure(plan.bundle(), ctx, owner, extensions.of(plan.bundle())))
                        : Optional.empty();
                Optional<ReadyCopies.Key> copies = template.map(t -> new ReadyCopies.Key(t.database(), plan.platform(),
                        plan.schemaName(), owner));
                Registration created = registry.inTransaction(c -> createAndRecord(c, plan, template, copies, owner,
                        ctx));
                copies.ifPresent(readyCopies::refillLater);
                return created;
            });
            directory.deployed(plan.database());
            long elapsed = (System.nanoTime() - started) / 1_000_000;
            return new Registration(registration.database(), plan.platform(), plan.tenant(), registration.version(),
                    plan.checksum(), registration.result().withExecutionTime(elapsed), plan.bundle(),
                    registration.fromTemplate());
        } finally {
            slots.release();
        }
    }

    /** A ready copy of the template renamed, when there is one; else a new copy (or an empty database). */
    private Provisioner.Creation open(Connection c, String database, Optional<Templates.Template> template,
                                      Optional<ReadyCopies.Key> copies, Optional<Login> owner) throws SQLException {
        if (copies.isPresent()) {
            Optional<Provisioner.Creation> renamed = readyCopies.claim(c, copies.get())
                    .flatMap(name -> provisioner.rename(name, database));
            if (renamed.isPresent()) {
                return renamed.get();
            }
        }
        return provisioner.create(database, template.map(Templates.Template::database), owner);
    }

    /**
     * Inside the control transaction holding CREATE_DATABASE: 409 if the name is taken, else create
     * (a copy of the template, or a fresh deploy), store the version and record the database.
     */
    private Registration createAndRecord(Connection c, Plan plan, Optional<Templates.Template> template,
                                         Optional<ReadyCopies.Key> copies, Optional<Login> owner, DeployContext ctx)
            throws SQLException {
        Locks.CREATE_DATABASE.acquire(c, plan.database());
        if (Registry.database(c, plan.database()).isPresent()) {
            throw Provisioner.alreadyExists(plan.database());
        }
        if (provisioner.exists(plan.database())) {
            // Not recorded: Cairn's own leftover if a creation of it began and never finished (the
            // process died; whoever began it would still hold the lock taken above). Else not ours.
            if (!Registry.creationBegun(c, plan.database())) {
                throw Provisioner.alreadyExists(plan.database());
            }
            LOG.warn("database {} is left over from a creation that did not finish: dropping it to create it again",
                    plan.database());
            provisioner.dropLeftover(plan.database());
        }
        registry.inTransaction(own -> {
            Registry.beginCreation(own, plan.database()); // committed now, so that it outlives a crash
            return null;
        });
        try (Provisioner.Creation creation = open(c, plan.database(), template, copies, owner)) {
            DeployResult result = template.isPresent() ? template.get().summary() : deployFresh(plan, owner, ctx);
            SchemaVersion version = plan.stored().isPresent() ? plan.stored().get()
                    : Registry.storeVersion(c, plan.platform(), plan.schemaName(), plan.newArchive().orElseThrow(),
                    plan.bundle(), plan.checksum());
            Optional<String> fingerprint = owner.isPresent()
                    ? Fingerprints.of(c, owner.get().user(), plan.database()) : Optional.empty();
            Registry.insertDatabase(c, plan.database(), plan.platform(), plan.tenant(), version, plan.checksum(),
                    fingerprint);
            Registry.endCreation(c, plan.database());
            creation.keep();
            return new Registration(plan.database(), plan.platform(), plan.tenant(), version, plan.checksum(), result,
                    plan.bundle(), template.isPresent());
        }
    }

    /**
     * As the platform's role, on a connection of its own (so no session setting of the bundle can
     * leak into a pool); allowed superuser-only extensions are installed by Cairn first.
     */
    private DeployResult deployFresh(Plan plan, Optional<Login> owner, DeployContext ctx) throws SQLException {
        provisioner.installAsCairn(plan.database(), extensions.of(plan.bundle()));
        try (Connection target = pools.unpooled(plan.database(), owner)) {
            return deployer.deployFresh(target, plan.bundle(), ctx);
        }
    }
}
