package dev.cairn.job;

import dev.cairn.deploy.MigrateOptions;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.ControlDatabase;
import dev.cairn.fleet.DatabaseMigrator;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.MigrationTarget;
import dev.cairn.fleet.Registrar;
import dev.cairn.fleet.Registry;
import dev.cairn.fleet.RequestMeta;
import dev.cairn.fleet.SchemaVersion;
import dev.cairn.metrics.Metrics;
import dev.cairn.sql.Locks;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fleet migrations as jobs in the control database. A job runs on a virtual thread of the
 * process that started it, which holds the job's session advisory lock for as long as it runs;
 * a job marked running whose lock is free belongs to a process that died and is marked
 * {@code interrupted} (at start-up, and whenever it is read). Resuming re-runs every database
 * that did not finish: safe, because each database's migrate is one transaction and tracked.
 */
public final class JobEngine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobEngine.class);
    static final int DEFAULT_CONCURRENCY = 8;

    private final JobStore store;
    private final Registry registry;
    private final Registrar registrar;
    private final ControlDatabase control;
    private final int maxConcurrency;
    private final Map<UUID, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Metrics metrics;

    /**
     * @param maxConcurrency the most databases migrated at once (each holds one connection)
     * @param metrics        where running jobs' progress and finished jobs are reported
     */
    public JobEngine(ControlDatabase control, Registry registry, Registrar registrar, int maxConcurrency,
                     Metrics metrics) {
        this.metrics = metrics;
        this.store = new JobStore(control);
        this.control = control;
        this.registry = registry;
        this.registrar = registrar;
        this.maxConcurrency = Math.max(1, maxConcurrency);
    }

    /**
     * A created job: what {@code 202} answers.
     *
     * @param afterInterrupted the platform's previous job of this schema had been interrupted: the
     *                         client is most likely starting it again after a restart, and polls
     */
    public record Started(UUID id, String status, int total, boolean afterInterrupted) {
    }

    /** Marks every job left running by a dead process as interrupted. */
    public void recover() {
        for (UUID id : store.activeJobs()) {
            if (!running.containsKey(id) && !store.alive(id) && store.interrupt(id)) {
                LOG.warn("job {} was interrupted (its process stopped); resume it with POST /v2/migrate-all/{}/resume",
                        id, id);
            }
        }
    }

    /**
     * A v2 fleet migrate: every database of {@code version}'s schema brought to it, as a job in the
     * background; empty when the schema has no database (nothing to do).
     */
    public Optional<Started> startSchema(SchemaVersion version, MigrateOptions options, boolean stopOnError,
                                         OptionalInt concurrency, RequestMeta meta) {
        List<FleetSpec.FleetItem> items = registry.databases(version.platform(), version.schemaName()).stream()
                .map(d -> new FleetSpec.FleetItem(d.name(), version.id())).toList();
        return items.isEmpty() ? Optional.empty() : Optional.of(start(new FleetSpec(version.platform(),
                Optional.of(version.schemaName()), items, options, stopOnError, concurrency, meta)));
    }

    /** Starts a job in the background. 409 with its id if the platform already has one running. */
    public Started start(FleetSpec spec) {
        int concurrency = capped(spec.concurrency());
        List<JobStore.Item> items = new java.util.ArrayList<>();
        for (int i = 0; i < spec.items().size(); i++) {
            items.add(new JobStore.Item(i, spec.items().get(i).database(), spec.items().get(i).versionId()));
        }
        store.activeJob(spec.platform()).ifPresent(active -> recover());
        boolean afterInterrupted = store.lastStatus(spec.platform(), spec.schemaName())
                .filter("interrupted"::equals).isPresent();
        UUID id = store.create(spec.platform(), spec.schemaName(), spec.jobOptions(concurrency), spec.meta(), items);
        launch(id, spec.platform(), spec.options(), spec.stopOnError(), concurrency, spec.meta());
        return new Started(id, "running", items.size(), afterInterrupted);
    }

    /** Re-runs the databases of a job that did not finish, failed or were skipped. */
    public Started resume(UUID id, RequestMeta meta) {
        JobView job = view(id);
        if (!job.finished()) {
            throw store.alreadyRunning(job.platform());
        }
        if (job.status().equals("completed")) {
            return new Started(id, "completed", job.total(), false);
        }
        store.reopen(id, job.platform());
        JobOptions options = job.options();
        launch(id, job.platform(), options.migrate(), options.stopOnError(), capped(OptionalInt.of(options.concurrency())),
                meta);
        return new Started(id, "running", job.total(), false);
    }

    /**
     * A dry run of an uploaded bundle: the same canary-first run, answered directly and stored
     * nowhere (the bundle is not stored either, so it cannot become what new tenants get).
     */
    List<ItemOutcome> dryRun(String platform, List<Map.Entry<String, MigrationTarget>> databases,
                             MigrateOptions options, OptionalInt requested, RequestMeta meta) {
        List<FleetRun.Work> work = new java.util.ArrayList<>();
        Map<String, DatabaseRecord> records = records(platform);
        for (var entry : databases) {
            work.add(new FleetRun.Work(work.size(), entry.getKey(), platform, Optional.empty(),
                    record(records, entry.getKey()), entry.getValue(), false));
        }
        work = knownUnchanged(platform, work, options);
        FleetRun.Listener quiet = new FleetRun.Listener() {
            @Override
            public void started(FleetRun.Work w) {
            }

            @Override
            public void finished(FleetRun.Work w, ItemOutcome outcome) {
            }
        };
        return FleetRun.run(work, true, options, FleetRun.OnError.CONTINUE, capped(requested), registrar.migrator(),
                meta, quiet, closing::get);
    }

    public JobView view(UUID id) {
        JobView job = store.view(id).orElseThrow(() -> new CairnException(Problem.of(ErrorCode.JOB_NOT_FOUND,
                "job " + id + " does not exist")));
        if (!job.finished() && !running.containsKey(id) && !store.alive(id) && store.interrupt(id)) {
            return store.view(id).orElseThrow();
        }
        return job;
    }

    /** The job once it has ended, if it ends within {@code bound}; empty while it still runs. */
    public Optional<JobView> awaitFor(UUID id, Duration bound) {
        CompletableFuture<Void> done = running.get(id);
        if (done != null) {
            try {
                done.get(bound.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return Optional.empty();
            } catch (ExecutionException e) {
                // the job's row says how it ended, as it does for a poll
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        JobView job = view(id);
        return job.finished() ? Optional.of(job) : Optional.empty();
    }

    /** Waits for a job this process runs to end, then reads it. */
    public JobView await(UUID id) {
        CompletableFuture<Void> done = running.get(id);
        if (done != null) {
            done.join();
        }
        return view(id);
    }

    private void launch(UUID id, String platform, MigrateOptions options, boolean stopOnError, int concurrency,
                        RequestMeta meta) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        running.put(id, done);
        Thread.ofVirtual().name("job-" + id).start(() -> {
            try {
                run(id, platform, options, stopOnError, concurrency, meta);
            } catch (RuntimeException e) {
                LOG.error("job {} failed unexpectedly", id, e);
                metrics.jobFinished(id, "failed");
                store.finish(id, "failed");
            } finally {
                running.remove(id);
                done.complete(null);
            }
        });
    }

    private void run(UUID id, String platform, MigrateOptions options, boolean stopOnError, int concurrency,
                     RequestMeta meta) {
        try (Connection lock = control.connection()) {
            if (!Locks.JOB.trySession(lock, id.toString())) {
                return; // another process runs it
            }
            try {
                List<JobStore.Item> items = store.unfinished(id);
                int total = store.view(id).map(JobView::total).orElse(items.size());
                metrics.jobStarted(id, platform, total, total - items.size());
                boolean canaryPending = !items.isEmpty() && items.get(0).position() == 0;
                List<FleetRun.Work> work = knownUnchanged(platform, work(platform, items), options);
                DatabaseMigrator migrator = registrar.migrator();
                List<ItemOutcome> outcomes;
                try (ItemWrites writes = new ItemWrites(store, id)) {
                    outcomes = FleetRun.run(work, canaryPending, options,
                            stopOnError ? FleetRun.OnError.STOP : FleetRun.OnError.CONTINUE, concurrency, migrator,
                            meta, listener(id, writes), closing::get);
                }
                String status = closing.get() ? "interrupted" : status(store.view(id).orElseThrow());
                store.finish(id, status);
                metrics.jobFinished(id, status);
                LOG.info("job {} for platform {}: {} database(s) done", id, platform, outcomes.size());
            } finally {
                Locks.JOB.releaseSession(lock, id.toString());
            }
        } catch (SQLException e) {
            throw Registry.controlFailure(e);
        }
    }

    /** The databases' records are read in one query here, not once per database while the job runs. */
    private List<FleetRun.Work> work(String platform, List<JobStore.Item> items) {
        Map<Long, SchemaVersion> versions = new HashMap<>();
        Map<String, DatabaseRecord> records = records(platform);
        return items.stream().map(item -> {
            SchemaVersion version = versions.computeIfAbsent(item.versionId(), v -> registry.version(v).orElseThrow());
            MigrationTarget target = registrar.target(version, version.variant());
            return new FleetRun.Work(item.position(), item.database(), platform, Optional.empty(),
                    record(records, item.database()), target, false);
        }).toList();
    }

    /**
     * Marks the databases the shared catalogs show as unchanged, so they need no session. The
     * canary (position 0) always runs for real: it is the one database a job really checks first.
     */
    private List<FleetRun.Work> knownUnchanged(String platform, List<FleetRun.Work> work, MigrateOptions options) {
        List<DatabaseRecord> records = work.stream().filter(w -> w.position() > 0)
                .flatMap(w -> w.record().stream()).toList();
        Map<String, MigrationTarget> targets = new HashMap<>();
        work.forEach(w -> targets.put(w.database(), w.target()));
        java.util.Set<String> unchanged = registrar.migrator().unchangedInCatalog(platform, records, targets, options);
        return work.stream().map(w -> w.known(w.position() > 0 && unchanged.contains(w.database()))).toList();
    }

    private Map<String, DatabaseRecord> records(String platform) {
        Map<String, DatabaseRecord> byName = new HashMap<>();
        registry.databases(platform).forEach(r -> byName.put(r.name(), r));
        return byName;
    }

    /** A database the registry does not list (one to adopt) is looked up again on its own. */
    private Optional<DatabaseRecord> record(Map<String, DatabaseRecord> records, String database) {
        DatabaseRecord known = records.get(database);
        return known != null ? Optional.of(known) : registry.database(database);
    }

    private FleetRun.Listener listener(UUID id, ItemWrites writes) {
        return new FleetRun.Listener() {
            @Override
            public void started(FleetRun.Work work) {
                writes.started(work.position());
            }

            @Override
            public void finished(FleetRun.Work work, ItemOutcome outcome) {
                writes.finished(work.position(), outcome);
                metrics.jobDatabaseFinished(id, !outcome.succeeded());
            }
        };
    }

    /** completed: every database fine; failed: none fine; partial: some. */
    static String status(JobView job) {
        int ok = job.count("completed") + job.count("unchanged");
        int bad = job.count("failed") + job.count("skipped") + job.count("pending") + job.count("running");
        return bad == 0 ? "completed" : ok == 0 ? "failed" : "partial";
    }

    /** What the client asked for (default 8), never above what the connection budget allows. */
    private int capped(OptionalInt requested) {
        return Math.max(1, Math.min(requested.orElse(DEFAULT_CONCURRENCY), maxConcurrency));
    }

    /** New databases stop being started; a job cut short this way ends interrupted and can be resumed. */
    @Override
    public void close() {
        closing.set(true);
        for (CompletableFuture<Void> f : running.values()) {
            f.join();
        }
    }
}
