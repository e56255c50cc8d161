package dev.cairn.metrics;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.pool.PoolManager;
import dev.cairn.pool.PoolStats;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What {@code GET /metrics} reports, in the Prometheus text format: HTTP requests by route
 * template, pools and the connection budget, database creations and migrations, fleet jobs, and
 * the process. Counters and histograms are kept here as the engines report events; pool and
 * process gauges are read when scraped, so they are never stale.
 *
 * <p>Cardinality is bounded by design: routes are templates (never raw paths), unknown methods
 * are {@code other}, pool series exist only for databases with an open pool, and a job's series
 * disappear when it ends.
 *
 * <p>Threading: every recording method is lock-free and may be called from any thread.
 */
public final class Metrics {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The route label of a request no route took (404, 405, or refused before routing). */
    public static final String UNMATCHED = "unmatched";

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
            "TRACE", "CONNECT");

    /** How a database came to be changed; the {@code kind} label. */
    public enum DeployKind {
        /** A new database built by deploying a bundle into it (the main database of {@code /register}). */
        FRESH_DEPLOY,
        /** A new database copied from a template (tenants, {@code /database/create}). */
        TEMPLATE_COPY,
        /** An existing database migrated to a bundle (one by one or in a fleet job). */
        MIGRATE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private record RequestKey(String method, String route, int status) {
    }

    private record RouteKey(String method, String route) {
    }

    private record DeployKey(DeployKind kind, String outcome) {
    }

    private record JobProgress(String platform, int total, AtomicInteger done, AtomicInteger failed) {
    }

    private final PoolManager pools;
    private final String version;
    private final long startedNanos;
    private final ConcurrentMap<RequestKey, LongAdder> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<RouteKey, Histogram> requestTimes = new ConcurrentHashMap<>();
    private final ConcurrentMap<DeployKey, LongAdder> deploys = new ConcurrentHashMap<>();
    private final ConcurrentMap<DeployKind, Histogram> deployTimes = new ConcurrentHashMap<>();
    private final ConcurrentMap<UUID, JobProgress> jobs = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongAdder> jobsFinished = new ConcurrentHashMap<>();

    /** @param startedNanos when the process started ({@link System#nanoTime()}), for the uptime */
    public Metrics(PoolManager pools, String version, long startedNanos) {
        this.pools = pools;
        this.version = version;
        this.startedNanos = startedNanos;
    }

    // ---- recording ---------------------------------------------------------------------------

    /** One answered request; {@code route} is its template or {@link #UNMATCHED}. */
    public void request(String method, String route, int status, long nanos) {
        String m = METHODS.contains(method) ? method : "other";
        requests.computeIfAbsent(new RequestKey(m, route, status), k -> new LongAdder()).increment();
        requestTimes.computeIfAbsent(new RouteKey(m, route), k -> new Histogram(Histogram.REQUEST_SECONDS))
                .observe(nanos);
    }

    /**
     * Runs a database creation or migration and counts it with its outcome and duration; a
     * failure is counted ({@code blocked} for a refused data-loss change, else {@code failed})
     * and rethrown unchanged.
     */
    public <T> T deploy(DeployKind kind, Supplier<T> work, Function<? super T, String> outcome) {
        long started = System.nanoTime();
        try {
            T result = work.get();
            deployed(kind, outcome.apply(result), System.nanoTime() - started);
            return result;
        } catch (RuntimeException e) {
            deployed(kind, e instanceof CairnException ce && ce.code() == ErrorCode.SCHEMA_CHANGE_BLOCKED
                    ? "blocked" : "failed", System.nanoTime() - started);
            throw e;
        }
    }

    private void deployed(DeployKind kind, String outcome, long nanos) {
        deploys.computeIfAbsent(new DeployKey(kind, outcome), k -> new LongAdder()).increment();
        deployTimes.computeIfAbsent(kind, k -> new Histogram(Histogram.DEPLOY_SECONDS)).observe(nanos);
    }

    /** A job began running in this process, {@code done} of its {@code total} databases already finished. */
    public void jobStarted(UUID id, String platform, int total, int done) {
        jobs.put(id, new JobProgress(platform, total, new AtomicInteger(done), new AtomicInteger()));
    }

    /** One database of a running job finished; {@code failed} also for one skipped. */
    public void jobDatabaseFinished(UUID id, boolean failed) {
        JobProgress job = jobs.get(id);
        if (job != null) {
            job.done().incrementAndGet();
            if (failed) {
                job.failed().incrementAndGet();
            }
        }
    }

    /** A job this process ran ended: counted once by its final status, its gauges removed. */
    public void jobFinished(UUID id, String status) {
        if (jobs.remove(id) != null) {
            jobsFinished.computeIfAbsent(status, k -> new LongAdder()).increment();
        }
    }

    // ---- exposition --------------------------------------------------------------------------

    /** Everything, in the text format {@link #CONTENT_TYPE} names. */
    public String scrape() {
        Exposition out = new Exposition();
        http(out);
        pools(out);
        deploys(out);
        jobs(out);
        process(out);
        return out.text();
    }

    private void http(Exposition out) {
        out.family("cairn_http_requests_total", "counter", "HTTP requests answered, by method, route template and status.");
        sorted(requests, Comparator.comparing(RequestKey::route).thenComparing(RequestKey::method)
                .thenComparingInt(RequestKey::status)).forEach(e -> out.sample("cairn_http_requests_total",
                Exposition.labels("method", e.getKey().method(), "route", e.getKey().route(),
                        "status", Integer.toString(e.getKey().status())), e.getValue().sum()));
        out.family("cairn_http_request_duration_seconds", "histogram",
                "Time from a request's arrival to the end of its answer, by method and route template.");
        sorted(requestTimes, Comparator.comparing(RouteKey::route).thenComparing(RouteKey::method))
                .forEach(e -> e.getValue().write(out, "cairn_http_request_duration_seconds",
                        Exposition.labels("method", e.getKey().method(), "route", e.getKey().route())));
    }

    private void pools(Exposition out) {
        PoolStats stats = pools.stats();
        gauge(out, "cairn_pools_open", "Databases with an open connection pool.", stats.activePools());
        gauge(out, "cairn_connections_open", "Physical connections open now, pooled or not, across every database.",
                stats.openConnections());
        gauge(out, "cairn_connections_max", "The cap on all connections together (MAX_TOTAL_CONNECTIONS).",
                stats.maxTotal());
        gauge(out, "cairn_connection_budget_contended",
                "1 while some connection request waits for the connection budget, else 0.",
                pools.budgetContended() ? 1 : 0);
        List<PoolStats.Database> databases = pools.databases().stream()
                .sorted(Comparator.comparing(PoolStats.Database::name)).toList();
        perDatabase(out, databases, "cairn_pool_connections_in_use", "Connections of the pool lent to a request now.",
                PoolStats.Database::inUse);
        perDatabase(out, databases, "cairn_pool_connections_idle", "Connections of the pool open and idle.",
                PoolStats.Database::idle);
        perDatabase(out, databases, "cairn_pool_connections_open", "Connections of the pool open, in use or idle.",
                PoolStats.Database::open);
        perDatabase(out, databases, "cairn_pool_requests_waiting", "Requests waiting for a connection of the pool.",
                PoolStats.Database::waiting);
    }

    private static void perDatabase(Exposition out, List<PoolStats.Database> databases, String name, String help,
                                    java.util.function.ToIntFunction<PoolStats.Database> value) {
        out.family(name, "gauge", help);
        for (PoolStats.Database d : databases) {
            out.sample(name, Exposition.labels("database", d.name()), value.applyAsInt(d));
        }
    }

    private void deploys(Exposition out) {
        out.family("cairn_deploys_total", "counter", "Databases created or migrated, by kind (fresh_deploy, "
                + "template_copy, migrate) and outcome (completed, unchanged, dry_run, blocked, failed).");
        sorted(deploys, Comparator.comparing((DeployKey k) -> k.kind().label()).thenComparing(DeployKey::outcome))
                .forEach(e -> out.sample("cairn_deploys_total", Exposition.labels("kind", e.getKey().kind().label(),
                        "outcome", e.getKey().outcome()), e.getValue().sum()));
        out.family("cairn_deploy_duration_seconds", "histogram",
                "Time to create or migrate one database, waiting for its locks included, by kind.");
        sorted(deployTimes, Comparator.comparing(DeployKind::label)).forEach(e -> e.getValue().write(out,
                "cairn_deploy_duration_seconds", Exposition.labels("kind", e.getKey().label())));
    }

    private void jobs(Exposition out) {
        gauge(out, "cairn_jobs_running", "Fleet migration jobs running in this process.", jobs.size());
        List<Map.Entry<UUID, JobProgress>> running = sorted(jobs, Comparator.naturalOrder());
        jobGauge(out, running, "cairn_job_databases", "Databases in a running job.", JobProgress::total);
        jobGauge(out, running, "cairn_job_databases_done", "Databases of a running job that finished, however.",
                p -> p.done().get());
        jobGauge(out, running, "cairn_job_databases_failed",
                "Databases of a running job that failed or were skipped in this run.", p -> p.failed().get());
        out.family("cairn_jobs_finished_total", "counter", "Fleet migration jobs this process ran to their end, "
                + "by final status (completed, partial, failed, interrupted).");
        sorted(jobsFinished, Comparator.naturalOrder()).forEach(e -> out.sample("cairn_jobs_finished_total",
                Exposition.labels("status", e.getKey()), e.getValue().sum()));
    }

    private static void jobGauge(Exposition out, List<Map.Entry<UUID, JobProgress>> running, String name, String help,
                                 java.util.function.ToIntFunction<JobProgress> value) {
        out.family(name, "gauge", help);
        for (Map.Entry<UUID, JobProgress> e : running) {
            out.sample(name, Exposition.labels("job_id", e.getKey().toString(), "platform", e.getValue().platform()),
                    value.applyAsInt(e.getValue()));
        }
    }

    private void process(Exposition out) {
        out.family("cairn_build_info", "gauge", "Always 1; the version label says which Cairn runs.");
        out.sample("cairn_build_info", Exposition.labels("version", version), 1);
        gauge(out, "cairn_uptime_seconds", "Seconds since the gateway started.",
                (System.nanoTime() - startedNanos) / 1e9);
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        gauge(out, "cairn_jvm_heap_used_bytes", "JVM heap in use.", heap.getUsed());
        if (heap.getMax() >= 0) {
            gauge(out, "cairn_jvm_heap_max_bytes", "The most heap the JVM may use.", heap.getMax());
        }
    }

    private static void gauge(Exposition out, String name, String help, double value) {
        out.family(name, "gauge", help).sample(name, "", value);
    }

    /** A stable order, so two scrapes of the same state read the same. */
    private static <K, V> List<Map.Entry<K, V>> sorted(Map<K, V> map, Comparator<? super K> order) {
        return map.entrySet().stream().sorted(Map.Entry.comparingByKey(order)).toList();
    }
}
