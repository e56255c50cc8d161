package dev.cairn.fleet;

import dev.cairn.bundle.Bundle;
import dev.cairn.bundle.BundleReader;
import dev.cairn.bundle.Variant;
import dev.cairn.deploy.BundleDigest;
import dev.cairn.deploy.DeployContext;
import dev.cairn.deploy.DeployResult;
import dev.cairn.deploy.Deployer;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.pool.PoolManager;
import dev.cairn.sql.Locks;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Creating databases for platforms: {@code /register} (a bundle uploaded with the request) and
 * tenant creation (the platform's stored bundle). The bundle is read and validated before any
 * database exists; creation is serialized per database name (in-process, then by an advisory
 * lock in the control database, so two Cairn instances agree too); a database that fails to
 * deploy is dropped, and only a database this request created is ever dropped.
 */
public final class Registrar {

    private static final int PARSED_CACHE_SIZE = 64;

    private final Registry registry;
    private final ControlDatabase control;
    private final PoolManager pools;
    private final Deployer deployer;
    private final BundleReader reader;
    private final Provisioner provisioner;
    private final Templates templates;
    private final DatabaseDirectory directory;
    private final KeyedLocks locks = new KeyedLocks();
    private final Map<Long, Parsed> parsed = new ConcurrentHashMap<>();

    private record Parsed(Bundle bundle, String checksum) {
    }

    public Registrar(Registry registry, ControlDatabase control, PoolManager pools, Deployer deployer,
                     BundleReader reader, DatabaseDirectory directory) {
        this.registry = registry;
        this.control = control;
        this.pools = pools;
        this.deployer = deployer;
        this.reader = reader;
        this.directory = directory;
        this.provisioner = new Provisioner(pools, control.maintenanceDatabase());
        this.templates = new Templates(provisioner, pools, deployer, locks);
    }

    /** v1 {@code /register}: the platform's main database, or a tenant's, from the uploaded bundle. */
    public Registration register(String platformName, Optional<String> tenantId, byte[] archive, RequestMeta meta) {
        String platform = Names.platform(platformName);
        Optional<String> tenant = Names.tenant(tenantId);
        String database = checkedName(platform, tenant);
        Bundle bundle = reader.read(archive, tenant.isPresent() ? Variant.TENANT : Variant.MAIN);
        String checksum = BundleDigest.of(bundle);
        SchemaVersion version = registry.storeVersion(platform, tenant.isPresent() ? "tenant" : Names.MAIN,
                archive, bundle, checksum);
        return provision(database, platform, tenant, version, bundle, checksum, meta);
    }

    /** A tenant database from the platform's tenant schema, or else its last registered bundle. */
    public Registration createTenant(String platformName, String tenantId, RequestMeta meta) {
        String platform = Names.platform(platformName);
        Optional<String> tenant = Names.tenant(Optional.ofNullable(tenantId));
        if (tenant.isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "tenant_id is required")
                    .with("field", "tenant_id"));
        }
        String database = checkedName(platform, tenant);
        if (!registry.platformExists(platform)) {
            throw new CairnException(Problem.of(ErrorCode.PLATFORM_NOT_FOUND,
                    "platform " + platform + " is not registered; POST /register its bundle first"));
        }
        SchemaVersion version = registry.latestVersion(platform, "tenant")
                .or(() -> registry.latestVersionOfPlatform(platform))
                .orElseThrow(() -> new CairnException(Problem.of(ErrorCode.SCHEMA_NOT_FOUND,
                        "platform " + platform + " has no stored bundle; POST /register one first")));
        Parsed p = parsed(version);
        return provision(database, platform, tenant, version, p.bundle(), p.checksum(), meta);
    }

    private Parsed parsed(SchemaVersion version) {
        Parsed hit = parsed.get(version.id());
        if (hit != null) {
            return hit;
        }
        Bundle bundle = reader.read(registry.archive(version.id()), Variant.TENANT);
        Parsed fresh = new Parsed(bundle, BundleDigest.of(bundle));
        if (parsed.size() >= PARSED_CACHE_SIZE) {
            parsed.clear(); // tiny and rarely full: a simple reset beats an LRU here
        }
        parsed.put(version.id(), fresh);
        return fresh;
    }

    private String checkedName(String platform, Optional<String> tenant) {
        String database = Names.database(platform, tenant);
        if (database.equals(control.name()) || database.equals(control.maintenanceDatabase())) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                    "database name " + database + " is Cairn's own; choose another platform or tenant name"));
        }
        return database;
    }

    private Registration provision(String database, String platform, Optional<String> tenant, SchemaVersion version,
                                   Bundle bundle, String checksum, RequestMeta meta) {
        long started = System.nanoTime();
        DeployContext ctx = new DeployContext(meta.requestId(), meta.actor(), platform, version.schemaName(), checksum);
        Registration registration = locks.with("database:" + database, () -> registry.inTransaction(c -> {
            Locks.CREATE_DATABASE.acquire(c, database);
            if (Registry.database(c, database).isPresent() || provisioner.exists(database)) {
                throw Provisioner.alreadyExists(database);
            }
            return createAndRecord(c, database, platform, tenant, version, bundle, ctx);
        }));
        directory.forget(database);
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        return new Registration(database, platform, tenant, version, checksum,
                registration.result().withExecutionTime(elapsed), bundle, registration.fromTemplate());
    }

    /** Creates the database, deploys or copies, and records it; drops it again if anything fails. */
    private Registration createAndRecord(Connection control, String database, String platform, Optional<String> tenant,
                                         SchemaVersion version, Bundle bundle, DeployContext ctx) throws SQLException {
        boolean created = false;
        try {
            DeployResult result;
            boolean fromTemplate = tenant.isPresent();
            if (fromTemplate) {
                Templates.Template template = templates.ensure(control, bundle, ctx);
                provisioner.create(database, Optional.of(template.database()));
                created = true;
                result = template.summary();
            } else {
                provisioner.create(database, Optional.empty());
                created = true;
                try (Connection target = pools.connection(database)) {
                    result = deployer.deployFresh(target, bundle, ctx);
                }
            }
            Registry.insertDatabase(control, database, platform, tenant, version, ctx.checksum());
            return new Registration(database, platform, tenant, version, ctx.checksum(), result, bundle, fromTemplate);
        } catch (SQLException | RuntimeException e) {
            if (created) {
                provisioner.dropQuietly(database);
            }
            throw e;
        }
    }
}
