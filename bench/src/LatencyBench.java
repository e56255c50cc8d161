import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latency Cairn adds over a direct JDBC call, measured from the same client.
 *
 * <p>Each client thread alternates one {@code POST /call} (java.net.http, HTTP/1.1 keep-alive)
 * and one direct JDBC call of the same function with the same id (pgjdbc, one prepared statement
 * reused), swapping which goes first on every iteration so neither side always runs on a warmer
 * cache. The first {@code --warmup} pairs are not recorded. With several threads, {@code -n} and
 * {@code --warmup} are totals split across the threads, and every thread has its own HTTP client
 * (one keep-alive connection) and its own JDBC connection.
 *
 * <p>Run as a single-file program with pgjdbc on the class path:
 * <pre>java -cp 'server/target/lib/*' bench/src/LatencyBench.java --url http://127.0.0.1:9400/call
 *     --jdbc 'jdbc:postgresql://127.0.0.1:5432/bench_main?user=postgres' -n 20000 --warmup 5000 --threads 1</pre>
 *
 * <p>Prints a table, then {@code KV key value} lines that bench/run.sh parses. Exit status 1 if any
 * call failed (non-200, an unexpected body, or an SQL error).
 */
public final class LatencyBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        String url = opts.getOrDefault("url", "http://127.0.0.1:9400/call");
        String jdbc = opts.getOrDefault("jdbc", "jdbc:postgresql://127.0.0.1:5432/bench_main?user=postgres");
        String platform = opts.getOrDefault("platform", "bench");
        String function = opts.getOrDefault("function", "get_user");
        int n = Integer.parseInt(opts.getOrDefault("n", "20000"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "5000"));
        int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
        int maxId = Integer.parseInt(opts.getOrDefault("max-id", "10000"));
        if (threads < 1 || n < threads) {
            throw new IllegalArgumentException("need threads >= 1 and n >= threads");
        }

        int perThread = n / threads;
        int warmupPerThread = Math.max(0, warmup / threads);
        long[][] gateway = new long[threads][perThread];
        long[][] direct = new long[threads][perThread];
        AtomicLong errors = new AtomicLong();
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        long[] measuredNanos = new long[threads];

        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread worker = Thread.ofPlatform().name("bench-" + t).start(() -> {
                try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                     Connection c = DriverManager.getConnection(jdbc);
                     PreparedStatement ps = c.prepareStatement("SELECT * FROM " + function + "(?)")) {
                    ready.countDown();
                    go.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long measuredFrom = 0;
                    for (int i = 0; i < warmupPerThread + perThread; i++) {
                        if (i == warmupPerThread) {
                            measuredFrom = System.nanoTime();
                        }
                        int id = random.nextInt(1, maxId + 1);
                        long g;
                        long d;
                        if ((i & 1) == 0) {
                            g = viaGateway(http, url, platform, function, id, errors, firstErrors);
                            d = viaJdbc(ps, id, errors, firstErrors);
                        } else {
                            d = viaJdbc(ps, id, errors, firstErrors);
                            g = viaGateway(http, url, platform, function, id, errors, firstErrors);
                        }
                        if (i >= warmupPerThread) {
                            gateway[index][i - warmupPerThread] = g;
                            direct[index][i - warmupPerThread] = d;
                        }
                    }
                    measuredNanos[index] = System.nanoTime() - measuredFrom;
                } catch (Exception e) {
                    errors.incrementAndGet();
                    firstErrors.add("thread " + index + ": " + e);
                    ready.countDown();
                }
            });
            workers.add(worker);
        }
        ready.await();
        long started = System.nanoTime();
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        double wallSeconds = (System.nanoTime() - started) / 1e9;

        long[] g = flatten(gateway);
        long[] d = flatten(direct);
        Arrays.sort(g);
        Arrays.sort(d);
        System.out.printf(Locale.ROOT, "threads=%d measured pairs=%d (warm-up %d) wall=%.1fs errors=%d%n",
                threads, g.length, warmupPerThread * threads, wallSeconds, errors.get());
        System.out.printf(Locale.ROOT, "%-10s %9s %9s %9s %9s %9s %9s  (ms)%n",
                "", "p50", "p90", "p99", "p99.9", "max", "mean");
        row("gateway", g);
        row("jdbc", d);
        System.out.printf(Locale.ROOT, "%-10s %9.3f %9.3f %9.3f %9.3f%n", "added",
                ms(pct(g, 50) - pct(d, 50)), ms(pct(g, 90) - pct(d, 90)),
                ms(pct(g, 99) - pct(d, 99)), ms(pct(g, 99.9) - pct(d, 99.9)));
        firstErrors.stream().limit(5).forEach(e -> System.out.println("error: " + e));

        kv("threads", threads);
        kv("pairs", g.length);
        kv("errors", errors.get());
        for (String which : List.of("gateway", "jdbc")) {
            long[] a = which.equals("gateway") ? g : d;
            kv(which + "_p50_ms", ms(pct(a, 50)));
            kv(which + "_p90_ms", ms(pct(a, 90)));
            kv(which + "_p99_ms", ms(pct(a, 99)));
            kv(which + "_p999_ms", ms(pct(a, 99.9)));
            kv(which + "_max_ms", ms(a[a.length - 1]));
            kv(which + "_mean_ms", ms(mean(a)));
        }
        kv("added_p50_ms", ms(pct(g, 50) - pct(d, 50)));
        kv("added_p90_ms", ms(pct(g, 90) - pct(d, 90)));
        kv("added_p99_ms", ms(pct(g, 99) - pct(d, 99)));
        // Pairs per second over the measured part only (each pair is one gateway and one JDBC call).
        double measured = Arrays.stream(measuredNanos).max().orElse(0) / 1e9;
        kv("pairs_per_s", measured > 0 ? g.length / measured : 0);
        System.exit(errors.get() == 0 ? 0 : 1);
    }

    private static long viaGateway(HttpClient http, String url, String platform, String function, int id,
                                   AtomicLong errors, List<String> firstErrors) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"platform\":\"" + platform + "\",\"function\":\""
                        + function + "\",\"params\":[" + id + "]}"))
                .build();
        long t0 = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long elapsed = System.nanoTime() - t0;
            if (response.statusCode() != 200 || !response.body().contains("\"row_count\":1")) {
                fail(errors, firstErrors, "HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
            }
            return elapsed;
        } catch (Exception e) {
            fail(errors, firstErrors, "HTTP: " + e);
            return System.nanoTime() - t0;
        }
    }

    private static long viaJdbc(PreparedStatement ps, int id, AtomicLong errors, List<String> firstErrors) {
        long t0 = System.nanoTime();
        try {
            ps.setInt(1, id);
            int rows = 0;
            try (ResultSet rs = ps.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    for (int i = 1; i <= columns; i++) {
                        rs.getString(i); // read every value, as the gateway does
                    }
                    rows++;
                }
            }
            long elapsed = System.nanoTime() - t0;
            if (rows != 1) {
                fail(errors, firstErrors, "JDBC: " + rows + " rows for id " + id);
            }
            return elapsed;
        } catch (SQLException e) {
            fail(errors, firstErrors, "JDBC: " + e.getMessage());
            return System.nanoTime() - t0;
        }
    }

    private static void fail(AtomicLong errors, List<String> firstErrors, String message) {
        if (errors.incrementAndGet() <= 5) {
            firstErrors.add(message);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    private static long[] flatten(long[][] perThread) {
        return Arrays.stream(perThread).flatMapToLong(Arrays::stream).toArray();
    }

    /** Nearest-rank percentile of a sorted array. */
    private static long pct(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    private static double mean(long[] a) {
        return Arrays.stream(a).average().orElse(0);
    }

    private static double ms(double nanos) {
        return nanos / 1_000_000.0;
    }

    private static void row(String name, long[] a) {
        System.out.printf(Locale.ROOT, "%-10s %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f%n", name,
                ms(pct(a, 50)), ms(pct(a, 90)), ms(pct(a, 99)), ms(pct(a, 99.9)), ms(a[a.length - 1]), ms(mean(a)));
    }

    private static void kv(String key, double value) {
        System.out.printf(Locale.ROOT, "KV %s %.4f%n", key, value);
    }

    private static void kv(String key, long value) {
        System.out.printf(Locale.ROOT, "KV %s %d%n", key, value);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + a);
            }
            out.put(a.replaceFirst("^--?", ""), args[++i]);
        }
        return out;
    }
}
