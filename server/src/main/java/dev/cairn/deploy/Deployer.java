package dev.cairn.deploy;

import dev.cairn.data.Outbox;
import dev.cairn.bundle.Bundle;
import dev.cairn.bundle.Folder;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.sql.Locks;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Deploys a bundle into a database. Everything happens in one transaction holding the
 * database's deploy lock: extensions, types, tables (or migrations), views, functions, seeders,
 * tracking rows and the changelog. On any failure the transaction rolls back and the database is
 * exactly as before; the error names the file and line.
 */
public final class Deployer {

    private final Duration statementTimeout;

    public Deployer(Duration statementTimeout) {
        this.statementTimeout = statementTimeout;
    }

    /** A fresh database: build it from the bundle. The connection is left in auto-commit mode. */
    public DeployResult deployFresh(Connection c, Bundle bundle, DeployContext ctx) {
        long started = System.nanoTime();
        try {
            c.setAutoCommit(false);
            try {
                DeployResult result = fresh(c, bundle, ctx);
                c.commit();
                return result.withExecutionTime((System.nanoTime() - started) / 1_000_000);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED,
                    "the database connection failed during the deploy: " + e.getMessage()), e);
        }
    }

    /**
     * An existing database: brought to the bundle in one transaction under its deploy lock, or,
     * for a dry run, everything done and then rolled back. New enum values are committed first,
     * on their own: PostgreSQL refuses to use an enum value in the transaction that added it.
     * First, unless {@code mayBeUnchanged} is false (the caller knows the database was last
     * deployed with other content), one cheap query asks whether there is nothing to do at all.
     */
    public MigrateResult migrate(Connection c, Bundle bundle, DesiredState desired, MigrateOptions options,
                                 DeployContext ctx, boolean mayBeUnchanged) {
        long started = System.nanoTime();
        if (mayBeUnchanged && !options.force() && UpToDate.probe(c, ctx.checksum())) {
            return MigrateResult.unchanged((System.nanoTime() - started) / 1_000_000);
        }
        try {
            if (!options.dryRun()) {
                addEnumValues(c, desired);
            }
            c.setAutoCommit(false);
            try {
                begin(c);
                Tracking.install(c);
                Outbox.install(c);
                MigrateResult result = Migrator.migrate(new Migration(c, options), bundle, desired, ctx);
                if (options.dryRun()) {
                    c.rollback();
                } else {
                    c.commit();
                }
                return result.withExecutionTime((System.nanoTime() - started) / 1_000_000);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            // PostgreSQL refusing a statement is a failed migrate; only a lost session is a 503.
            throw Migration.failure("", "the migrate", e);
        }
    }

    private void addEnumValues(Connection c, DesiredState desired) throws SQLException {
        if (desired.schema().enums().isEmpty()) {
            return;
        }
        var current = new dev.cairn.catalog.SchemaSnapshot(java.util.Map.of(), dev.cairn.catalog.SnapshotReader.enums(c));
        var wanted = new dev.cairn.catalog.SchemaSnapshot(java.util.Map.of(), desired.schema().enums());
        var plan = dev.cairn.diff.SchemaDiff.diff(current, wanted);
        for (var change : plan.changes()) {
            if (change.type().equals("AddEnumValue")) {
                for (String sql : change.sql()) {
                    try (Statement st = c.createStatement()) {
                        st.execute(sql);
                    }
                }
            }
        }
    }

    private DeployResult fresh(Connection c, Bundle bundle, DeployContext ctx) throws SQLException {
        begin(c);
        Tracking.install(c);
        Outbox.install(c); // before the functions: a SQL function that inserts events is checked against it
        List<Change> changes = new ArrayList<>();
        StatementRunner runner = new StatementRunner(c);
        int extensions = ExtensionStep.run(c, bundle.in(Folder.EXTENSIONS), changes);
        int types = ObjectSteps.types(runner, bundle.in(Folder.TYPES), changes);
        boolean fromTables = bundle.has(Folder.TABLES);
        int tables = ObjectSteps.tables(runner, bundle.in(Folder.TABLES), changes);
        MigrationStep.Outcome migrations = MigrationStep.run(runner, bundle.in(Folder.MIGRATIONS), fromTables, changes);
        int views = ObjectSteps.views(runner, bundle.in(Folder.VIEWS), changes);
        int functions = FunctionStep.run(runner, bundle.in(Folder.FUNCTIONS), changes).size();
        List<SeederResult> seeders = SeederStep.run(runner, bundle.in(Folder.SEEDERS), changes);
        Tracking.recordDeployment(c, ctx, "fresh");
        Tracking.writeChangelog(c, ctx, changes);
        return new DeployResult(extensions, types, tables, migrations.applied(), migrations.recorded(), views,
                functions, seeders, 0);
    }

    private void begin(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            // A number from configuration, not user input: SET cannot take a bind parameter.
            st.execute("SET LOCAL statement_timeout = " + statementTimeout.toMillis());
        }
        Locks.DEPLOY.acquire(c, "");
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the server rolls the transaction back when it goes.
        }
    }
}
