import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.logging.LogFactory;
import org.flywaydb.core.api.logging.LogLevel;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The Flyway side of the FLEET benchmark: runs {@code flyway migrate} over a list of databases,
 * one Flyway instance (with its own connections) per database, on a pool of N threads, and prints
 * how long it took. Several phases run in one JVM, so start-up and JIT warm-up are paid once
 * (by the first phase, which is the untimed-in-spirit setup run). Run as a single-file program:
 *
 * <pre>
 * java -cp "$(cat flyway.classpath)" bench/fleet/FlywayFleet.java --databases dbs.txt [--out-dir DIR] \
 *      --phase NAME:LOCATIONS_DIR:THREADS:EXPECT[:init] [--phase ...]
 * </pre>
 *
 * Flyway's history table lives in its own schema ({@code --schema}, default flyway_bench), so it
 * never touches Cairn's bookkeeping (schema cairn). A phase marked {@code init} creates that schema
 * first, so that Flyway finds a non-empty {@code public} and no history table and baselines
 * (baselineOnMigrate, baselineVersion 1) rather than record a schema creation: the first run only.
 * EXPECT is how many migrations Flyway must execute in every database (-1: any).
 *
 * Prints per phase "PHASE name start_epoch_ms end_epoch_ms" and "KV name key value" lines: dbs,
 * threads, failed, mismatched (databases where Flyway did not execute exactly EXPECT migrations),
 * executed (over all databases), wall_ms, rate_dbs_s, per-database p50/p90/p99/max ms. Per-database
 * lines ("database ms executed ok|error message") go to DIR/flyway-NAME.txt. Exit status 1 when
 * any database failed or mismatched.
 */
public class FlywayFleet {

    record Outcome(String database, double ms, int executed, String error) {
    }

    record Phase(String name, String location, int threads, int expect, boolean init) {
        static Phase parse(String spec) {
            String[] p = spec.split(":");
            if (p.length < 4 || p.length > 5 || (p.length == 5 && !p[4].equals("init"))) {
                throw new IllegalArgumentException("--phase NAME:DIR:THREADS:EXPECT[:init], not " + spec);
            }
            return new Phase(p[0], "filesystem:" + Path.of(p[1]).toAbsolutePath(), Integer.parseInt(p[2]),
                    Integer.parseInt(p[3]), p.length == 5);
        }
    }

    static String jdbcPrefix = "jdbc:postgresql://127.0.0.1:5432/";
    static String user = "postgres";
    static String password = "";
    static String appName = "cairn-fleetbench-flyway";
    static String schema = "flyway_bench";

    public static void main(String[] args) throws Exception {
        Path databasesFile = null;
        Path outDir = null;
        List<Phase> phases = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--databases" -> databasesFile = Path.of(args[++i]);
                case "--phase" -> phases.add(Phase.parse(args[++i]));
                case "--jdbc-prefix" -> jdbcPrefix = args[++i];
                case "--user" -> user = args[++i];
                case "--password" -> password = args[++i];
                case "--app-name" -> appName = args[++i];
                case "--schema" -> schema = args[++i];
                case "--out-dir" -> outDir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (databasesFile == null || phases.isEmpty()) {
            throw new IllegalArgumentException("--databases and at least one --phase are required");
        }
        LogFactory.setLogLevel(LogLevel.WARN);
        List<String> databases = Files.readAllLines(databasesFile).stream().map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
        boolean ok = true;
        for (Phase phase : phases) {
            ok &= run(phase, databases, outDir);
        }
        System.exit(ok ? 0 : 1);
    }

    static boolean run(Phase phase, List<String> databases, Path outDir) throws Exception {
        String suffix = (jdbcPrefix.contains("?") ? "&" : "?") + "ApplicationName=" + appName;
        long startEpoch = System.currentTimeMillis();
        long t0 = System.nanoTime();
        List<Outcome> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(phase.threads())) {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (String db : databases) {
                futures.add(pool.submit(() -> migrate(jdbcPrefix + db + suffix, db, phase)));
            }
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get());
            }
        }
        double wallMs = (System.nanoTime() - t0) / 1e6;
        long endEpoch = System.currentTimeMillis();

        int failed = 0;
        int mismatched = 0;
        long executed = 0;
        List<Double> times = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (Outcome o : outcomes) {
            times.add(o.ms());
            if (o.error() != null) {
                failed++;
            } else {
                executed += o.executed();
                if (phase.expect() >= 0 && o.executed() != phase.expect()) {
                    mismatched++;
                }
            }
            lines.append(String.format(Locale.ROOT, "%s %.1f %d %s%n", o.database(), o.ms(), o.executed(),
                    o.error() == null ? "ok" : "error " + o.error().replace('\n', ' ')));
        }
        if (outDir != null) {
            Files.writeString(outDir.resolve("flyway-" + phase.name() + ".txt"), lines);
        }
        Collections.sort(times);
        String n = phase.name();
        System.out.println("PHASE " + n + " " + startEpoch + " " + endEpoch);
        kv(n, "dbs", databases.size());
        kv(n, "threads", phase.threads());
        kv(n, "failed", failed);
        kv(n, "mismatched", mismatched);
        kv(n, "executed", executed);
        kv(n, "wall_ms", wallMs);
        kv(n, "rate_dbs_s", databases.isEmpty() ? 0 : databases.size() / (wallMs / 1000));
        kv(n, "p50_ms", pct(times, 50));
        kv(n, "p90_ms", pct(times, 90));
        kv(n, "p99_ms", pct(times, 99));
        kv(n, "max_ms", times.isEmpty() ? 0 : times.getLast());
        outcomes.stream().filter(o -> o.error() != null).limit(3)
                .forEach(o -> System.out.println("ERROR " + n + " " + o.database() + ": " + o.error().replace('\n', ' ')));
        System.out.flush();
        return failed == 0 && mismatched == 0;
    }

    static Outcome migrate(String url, String db, Phase phase) {
        long t0 = System.nanoTime();
        try {
            if (phase.init()) {
                try (Connection c = DriverManager.getConnection(url, user, password);
                        Statement s = c.createStatement()) {
                    s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
                }
            }
            MigrateResult result = Flyway.configure()
                    .dataSource(url, user, password)
                    .defaultSchema(schema)                 // the history table lives here...
                    .schemas(schema, "public")             // ...public is what it migrates (baseline check)
                    .baselineOnMigrate(true)
                    .baselineVersion("1")
                    .locations(phase.location())
                    .connectRetries(0)
                    .load()
                    .migrate();
            if (!result.success) {
                return new Outcome(db, (System.nanoTime() - t0) / 1e6, result.migrationsExecuted, "not successful");
            }
            return new Outcome(db, (System.nanoTime() - t0) / 1e6, result.migrationsExecuted, null);
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            return new Outcome(db, (System.nanoTime() - t0) / 1e6, 0, msg.length() > 300 ? msg.substring(0, 300) : msg);
        }
    }

    static double pct(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(q / 100 * sorted.size());
        return sorted.get(Math.max(rank, 1) - 1);
    }

    static void kv(String phase, String name, double value) {
        System.out.println(String.format(Locale.ROOT, "KV %s %s %.3f", phase, name, value));
    }
}
