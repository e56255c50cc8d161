package dev.cairn.deploy;

import dev.cairn.bundle.Bundle;
import dev.cairn.bundle.Folder;
import dev.cairn.catalog.SnapshotReader;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.diff.Plan;
import dev.cairn.diff.SchemaChange;
import dev.cairn.diff.SchemaDiff;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Brings an existing database to a bundle, inside the caller's transaction (which holds the
 * database's deploy lock): adopt a StoneScript-managed database, extensions, new types, pending
 * migrations, the table plan (blocked changes stop everything), views, routines, seed checks,
 * tracking and changelog.
 */
final class Migrator {

    private Migrator() {
    }

    static MigrateResult migrate(Migration m, Bundle bundle, DesiredState desired, DeployContext ctx) throws SQLException {
        Adoption.adopt(m, bundle);
        if (!m.options.force() && UpToDate.inTransaction(m, ctx.checksum())) {
            // Nothing to deploy; only bookkeeping is written (committed unless a dry run): what
            // adoption took over, and the routine OIDs the next probe reads.
            Tracking.refreshRoutines(m.connection);
            Tracking.writeChangelog(m.connection, ctx, m.changes);
            return result(m, "unchanged", List.of(), new FunctionSync.Outcome(0, 0), new Plan(List.of()), List.of());
        }
        ExtensionStep.run(m.connection, bundle.in(Folder.EXTENSIONS), m.changes);
        TypeSync.run(m, bundle.in(Folder.TYPES));
        List<String> migrations = PendingMigrations.run(m, bundle.in(Folder.MIGRATIONS));
        Plan plan = desired.fromTables()
                ? SchemaDiff.diff(SnapshotReader.read(m.connection), desired.schema()) : new Plan(List.of());
        apply(m, plan);
        ViewSync.run(m, bundle.in(Folder.VIEWS));
        FunctionSync.Outcome functions = FunctionSync.run(m, bundle.in(Folder.FUNCTIONS), desired.functions());
        List<SeedValidation> seeds = m.options.verifySeeders()
                ? SeedCheck.run(m, bundle.in(Folder.SEEDERS)) : List.of();
        Tracking.recordDeployment(m.connection, ctx, "migrate");
        Tracking.writeChangelog(m.connection, ctx, m.changes);
        return result(m, m.options.dryRun() ? "dry_run" : "completed", migrations, functions, plan, seeds);
    }

    /** Blocked changes stop the migrate with the whole plan; allowed ones run in plan order. */
    private static void apply(Migration m, Plan plan) {
        List<SchemaChange> blocked = plan.blocked(m.options.force(), m.options.allow());
        if (!blocked.isEmpty() && m.options.dryRun()) {
            // A dry run shows the whole plan; a real run with these flags would stop here with 409.
            m.warnings.add(blocked.size() + " change(s) would be blocked (" + blocked.stream()
                    .map(c -> c.type() + " " + c.table() + (c.column().isEmpty() ? "" : "." + c.column())).toList()
                    + "): a real migrate with these flags answers 409 schema_change_blocked and applies nothing");
            return;
        }
        if (!blocked.isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.SCHEMA_CHANGE_BLOCKED, blocked.size()
                            + " change(s) could lose data or do not fit the existing values: "
                            + blocked.stream().map(c -> c.type() + " " + c.table() + (c.column().isEmpty() ? ""
                            : "." + c.column())).toList() + "; nothing was applied. Allow them by kind ("
                            + blocked.stream().map(c -> c.allow().map(a -> a.token()).orElse("force")).distinct()
                            .toList() + ") or use force")
                    .with("schema_validation", plan.validation())
                    .with("blocked", blocked.stream().map(SchemaChange::wire).toList()));
        }
        for (SchemaChange change : plan.changes()) {
            for (String sql : change.sql()) {
                m.run(sql, change.type() + " on " + change.table());
            }
            m.changes.add(new Change("table", change.table(), change.type()
                    + (change.column().isEmpty() ? "" : " " + change.column()), null, null));
        }
    }

    private static MigrateResult result(Migration m, String status, List<String> migrations,
                                        FunctionSync.Outcome functions, Plan plan, List<SeedValidation> seeds) {
        return new MigrateResult(status, migrations, functions.updated(), functions.skipped(), plan, seeds, m.warnings,
                m.statements, 0);
    }
}
