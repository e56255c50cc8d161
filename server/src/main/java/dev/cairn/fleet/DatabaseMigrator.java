package dev.cairn.fleet;

import dev.cairn.deploy.DeployContext;
import dev.cairn.deploy.Deployer;
import dev.cairn.deploy.MigrateOptions;
import dev.cairn.deploy.MigrateResult;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.metrics.Metrics;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Migrates one database to a target bundle. The desired state comes from the template database
 * holding the target's content (built now if there is none, so new tenants of that version are a
 * copy too); the migrate itself is one transaction in the database under its deploy lock. After a
 * real change the control database records the new version and checksum, and the /call
 * directory forgets the old record so the next call reads the new catalog.
 *
 * <p>A database the registry does not know but that exists under the platform's name (a database
 * the StoneScript gateway managed) is adopted: migrated as Cairn's own user, then recorded.
 */
public final class DatabaseMigrator {

    private final Registry registry;
    private final PoolManager pools;
    private final Deployer deployer;
    private final Provisioner provisioner;
    private final Templates templates;
    private final PlatformRoles roles;
    private final DatabaseDirectory directory;
    private final KeyedLocks locks;
    private final SuperuserExtensions extensions;
    private final Metrics metrics;

    DatabaseMigrator(Registry registry, PoolManager pools, Deployer deployer, Provisioner provisioner,
                     Templates templates, PlatformRoles roles, DatabaseDirectory directory, KeyedLocks locks,
                     SuperuserExtensions extensions, Metrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
        this.pools = pools;
        this.deployer = deployer;
        this.provisioner = provisioner;
        this.templates = templates;
        this.roles = roles;
        this.directory = directory;
        this.locks = locks;
        this.extensions = extensions;
    }

    public DatabaseMigration migrate(String database, String platform, Optional<String> tenant, MigrationTarget target,
                                     MigrateOptions options, RequestMeta meta) {
        return migrate(database, platform, tenant, registry.database(database), target, options, meta);
    }

    /**
     * The same, for a caller that has already read the database's record (a fleet job reads all
     * of them in one query); an empty record means "not in the registry", as for a lookup.
     * Counted in the metrics by its outcome ({@code completed}, {@code unchanged}, {@code dry_run}, ...).
     */
    public DatabaseMigration migrate(String database, String platform, Optional<String> tenant,
                                     Optional<DatabaseRecord> record, MigrationTarget target, MigrateOptions options,
                                     RequestMeta meta) {
        return metrics.deploy(Metrics.DeployKind.MIGRATE, () -> migrateNow(database, platform, tenant, record, target,
                options, meta), done -> done.result().status());
    }

    private DatabaseMigration migrateNow(String database, String platform, Optional<String> tenant,
                                         Optional<DatabaseRecord> record, MigrationTarget target,
                                         MigrateOptions options, RequestMeta meta) {
        if (record.isPresent() ? !record.get().platform().equals(platform) : !provisioner.exists(database)) {
            throw new CairnException(Problem.of(ErrorCode.DATABASE_NOT_FOUND, "database " + database
                    + " does not exist; create it first").with("database", database));
        }
        return locks.with("database:" + database, () -> run(database, platform, tenant, record, target, options,
                meta));
    }

    private DatabaseMigration run(String database, String platform, Optional<String> tenant,
                                  Optional<DatabaseRecord> record, MigrationTarget target, MigrateOptions options,
                                  RequestMeta meta) {
        boolean recorded = record.isPresent();
        DeployContext ctx = new DeployContext(meta.requestId(), meta.actor(), platform, target.schemaName(),
                target.checksum());
        Optional<Login> owner = roles.ensure(platform);
        List<String> superuserExtensions = extensions.of(target.bundle());
        Templates.Prepared template = templates.prepare(target.bundle(), ctx, owner, superuserExtensions);
        // An adopted database belongs to whoever created it: it is migrated as Cairn's own user.
        Optional<Login> login = recorded ? owner : Optional.empty();
        MigrateResult result;
        boolean wentThrough = false;
        try {
            if (!options.dryRun()) {
                provisioner.installAsCairn(database, superuserExtensions);
            }
            result = migrateIn(database, login, target, template, options, ctx, record);
            wentThrough = !options.dryRun();
        } finally {
            templates.settle(template, wentThrough); // a blocked, failed or dry-run migrate leaves no template
        }
        if (!options.dryRun() && target.version().isPresent()) {
            recordState(database, platform, tenant, record, target, result, login);
        }
        return new DatabaseMigration(database, target.schemaName(), result);
    }

    private MigrateResult migrateIn(String database, Optional<Login> login, MigrationTarget target,
                                    Templates.Prepared template, MigrateOptions options, DeployContext ctx,
                                    Optional<DatabaseRecord> record) {
        try (Connection c = pools.unpooled(database, login)) {
            boolean mayBeUnchanged = record.map(r -> r.checksum().equals(target.checksum())).orElse(true);
            return deployer.migrate(c, target.bundle(), template.desired(), options, ctx, mayBeUnchanged);
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED, "cannot connect to " + database + ": "
                    + e.getMessage()).with("database", database), e);
        } catch (CairnException e) {
            throw e.problem().fields().containsKey("database") ? e : e.with("database", database);
        }
    }

    /**
     * Records the version, checksum and fingerprint the database now has. An unchanged database
     * already recorded so needs no write; otherwise the fingerprint is read in the same control
     * transaction that records it. Adopted databases and platforms without a role of their own
     * get no fingerprint.
     */
    private void recordState(String database, String platform, Optional<String> tenant, Optional<DatabaseRecord> record,
                             MigrationTarget target, MigrateResult result, Optional<Login> login) {
        if (alreadyRecorded(record, target, result)
                && record.get().fingerprint().equals(login.flatMap(l -> fingerprint(l, database)))) {
            return;
        }
        SchemaVersion version = target.version().orElseThrow();
        registry.inTransaction(c -> {
            Optional<String> fingerprint = login.isPresent()
                    ? Fingerprints.of(c, login.get().user(), database) : Optional.empty();
            Registry.recordMigrated(c, database, platform, tenant, version, target.checksum(), fingerprint);
            Map<String, Object> payload = new java.util.LinkedHashMap<>();
            payload.put("database", database);
            payload.put("schema", version.schemaName());
            payload.put("version", version.version());
            payload.put("result", result);
            ControlEvents.record(c, platform, "database", database, "migrated", payload);
            return null;
        });
        directory.deployed(database);
    }

    private Optional<String> fingerprint(Login login, String database) {
        return Optional.ofNullable(registry.fingerprints(login.user(), List.of(database)).get(database));
    }

    /** An unchanged database already recorded at this version needs no control-database write. */
    private static boolean alreadyRecorded(Optional<DatabaseRecord> record, MigrationTarget target,
                                           MigrateResult result) {
        return result.status().equals("unchanged") && record.isPresent()
                && record.get().versionId() == target.version().orElseThrow().id()
                && record.get().checksum().equals(target.checksum());
    }

    /**
     * Of these recorded databases, the ones that need no session at all to know they are unchanged:
     * Cairn last brought each to exactly the target's version and checksum, and the shared
     * catalogs show the same database (same OID) with exactly the routines its platform's role
     * owned then ({@link Fingerprints}). Anything else (no fingerprint, another version, a routine
     * dropped or created again by hand, a restored or recreated database, {@code force}) is
     * migrated the usual way. Read in one query for the whole fleet.
     */
    public Set<String> unchangedInCatalog(String platform, List<DatabaseRecord> records,
                                                    Map<String, MigrationTarget> targets,
                                                    MigrateOptions options) {
        Optional<Login> role = roles.login(platform);
        if (options.force() || role.isEmpty()) {
            return Set.of();
        }
        List<DatabaseRecord> candidates = records.stream().filter(r -> r.platform().equals(platform)
                && r.fingerprint().isPresent() && targets.containsKey(r.name())
                && sameTarget(r, targets.get(r.name()))).toList();
        if (candidates.isEmpty()) {
            return Set.of();
        }
        Map<String, String> now = registry.fingerprints(role.get().user(),
                candidates.stream().map(DatabaseRecord::name).toList());
        Set<String> unchanged = new HashSet<>();
        for (DatabaseRecord r : candidates) {
            if (r.fingerprint().get().equals(now.get(r.name()))) {
                unchanged.add(r.name());
            }
        }
        return unchanged;
    }

    private static boolean sameTarget(DatabaseRecord r, MigrationTarget target) {
        return target.version().isPresent() && r.versionId() == target.version().get().id()
                && r.checksum().equals(target.checksum());
    }
}
