package dev.cairn.job;

import dev.cairn.deploy.MigrateOptions;
import dev.cairn.deploy.MigrateResult;
import dev.cairn.fleet.DatabaseMigration;
import dev.cairn.fleet.DatabaseMigrator;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.MigrationTarget;
import dev.cairn.fleet.RequestMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;

/**
 * Migrates a list of databases: the canary (the first item) alone first, and if it fails nothing
 * else is touched; then the rest in parallel, at most {@code concurrency} at once. Each database
 * is its own transaction; the listener hears of each start and end (jobs store them). When
 * cancelled (the process is stopping) no further database is started.
 */
final class FleetRun {

    /**
     * One database to migrate; {@code position} 0 is the canary. {@code record} is its registry
     * row as read when the run was planned (empty: a database the registry does not know);
     * {@code unchangedInCatalog}: the shared catalogs already showed it needs nothing, so it is
     * reported unchanged without a session ({@link DatabaseMigrator#unchangedInCatalog}).
     */
    record Work(int position, String database, String platform, Optional<String> tenant,
                Optional<DatabaseRecord> record, MigrationTarget target, boolean unchangedInCatalog) {

        Work known(boolean unchanged) {
            return new Work(position, database, platform, tenant, record, target, unchanged);
        }
    }

    interface Listener {
        void started(Work work);

        void finished(Work work, ItemOutcome outcome);
    }

    enum OnError { STOP, CONTINUE }

    private FleetRun() {
    }

    static List<ItemOutcome> run(List<Work> work, boolean canaryFirst, MigrateOptions options, OnError onError,
                                 int concurrency, DatabaseMigrator migrator, RequestMeta meta, Listener listener,
                                 BooleanSupplier cancelled) {
        AtomicReferenceArray<ItemOutcome> outcomes = new AtomicReferenceArray<>(work.size());
        int from = 0;
        if (cancelled.getAsBoolean()) {
            return List.of();
        }
        if (canaryFirst && !work.isEmpty()) {
            ItemOutcome canary = one(work.get(0), options, migrator, meta, listener);
            outcomes.set(0, canary);
            from = 1;
            if (!canary.succeeded()) {
                skipRest(work, 1, outcomes, "the canary " + work.get(0).database() + " failed; nothing else was touched",
                        listener);
                return collect(outcomes);
            }
        }
        AtomicBoolean stopped = new AtomicBoolean();
        Semaphore slots = new Semaphore(Math.max(1, concurrency));
        List<Thread> threads = new ArrayList<>();
        for (int i = from; i < work.size(); i++) {
            slots.acquireUninterruptibly();
            if (cancelled.getAsBoolean()) {
                slots.release();
                break; // the rest stay pending: the job is interrupted and can be resumed
            }
            if (stopped.get()) {
                slots.release();
                skipRest(work, i, outcomes, "an earlier database failed and on_error is stop", listener);
                break;
            }
            int index = i;
            threads.add(Thread.ofVirtual().name("fleet-" + work.get(i).database()).start(() -> {
                try {
                    ItemOutcome outcome = one(work.get(index), options, migrator, meta, listener);
                    outcomes.set(index, outcome);
                    if (!outcome.succeeded() && onError == OnError.STOP) {
                        stopped.set(true);
                    }
                } finally {
                    slots.release();
                }
            }));
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return collect(outcomes);
    }

    private static ItemOutcome one(Work w, MigrateOptions options, DatabaseMigrator migrator, RequestMeta meta,
                                   Listener listener) {
        listener.started(w);
        ItemOutcome outcome;
        try {
            outcome = w.unchangedInCatalog()
                    ? ItemOutcome.of(new DatabaseMigration(w.database(), w.target().schemaName(), MigrateResult.unchanged(0)))
                    : ItemOutcome.of(migrator.migrate(w.database(), w.platform(), w.tenant(), w.record(), w.target(),
                    options, meta));
        } catch (RuntimeException e) {
            outcome = ItemOutcome.failed(w.database(), e);
        }
        listener.finished(w, outcome);
        return outcome;
    }

    private static void skipRest(List<Work> work, int from, AtomicReferenceArray<ItemOutcome> outcomes, String why,
                                 Listener listener) {
        for (int i = from; i < work.size(); i++) {
            ItemOutcome skipped = ItemOutcome.skipped(work.get(i).database(), why);
            outcomes.set(i, skipped);
            listener.finished(work.get(i), skipped);
        }
    }

    private static List<ItemOutcome> collect(AtomicReferenceArray<ItemOutcome> outcomes) {
        List<ItemOutcome> out = new ArrayList<>();
        for (int i = 0; i < outcomes.length(); i++) {
            if (outcomes.get(i) != null) {
                out.add(outcomes.get(i));
            }
        }
        return out;
    }
}
