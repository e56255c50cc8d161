package dev.cairn.ratelimit;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Redis for tests: the machine's on 127.0.0.1:6379, where the tests use keys of their own (a unique
 * prefix, deleted afterwards) and never stop it; outage tests start a {@link Private} server. Without
 * the machine's Redis the tests that need it are skipped in one line, unless {@code CAIRN_REDIS_REQUIRED=1}
 * ({@code .ci/run} sets it), which makes them fail.
 */
public final class TestRedis {

    static final URI SHARED = URI.create("redis://127.0.0.1:6379");

    private TestRedis() {
    }

    public static void assumeShared() {
        if (ping(SHARED)) {
            return;
        }
        String why = "no Redis on 127.0.0.1:6379 (start one: redis-server --port 6379 --save '' --appendonly no)";
        if ("1".equals(System.getenv("CAIRN_REDIS_REQUIRED"))) {
            throw new AssertionError(why);
        }
        Assumptions.abort(why);
    }

    /** A prefix no other test (nor run) uses, for the bucket keys of one test. */
    static String uniquePrefix() {
        return "test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    static RateLimitSettings settings(URI url, RateLimitSettings.FailMode failMode) {
        return new RateLimitSettings(RateLimitSettings.Store.REDIS, url, failMode, RateLimitSettings.DEFAULT_TIMEOUT);
    }

    static boolean ping(URI url) {
        try (RedisClient c = client(url)) {
            return "PONG".equals(c.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    static RedisClient client(URI url) {
        return RedisClient.create(url);
    }

    /** Deletes the buckets whose keys start with {@code prefix}. */
    static void deleteBuckets(String prefix) {
        try (RedisClient c = client(SHARED)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams match = new ScanParams().match(RedisLimiter.PREFIX + prefix + "*").count(1000);
            do {
                ScanResult<String> page = c.scan(cursor, match);
                if (!page.getResult().isEmpty()) {
                    c.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }

    /** A {@code redis-server} of the test's own on a free port, which it may stop and start again on that port. */
    static final class Private implements AutoCloseable {
        private static final Path SERVER = Path.of("/usr/bin/redis-server");

        private final int port;
        private final Path dir;
        private Process process;

        private Private(int port, Path dir) {
            this.port = port;
            this.dir = dir;
        }

        static Private start() throws IOException {
            if (!Files.isExecutable(SERVER)) {
                String why = "no " + SERVER + " for the outage test (apt-get install redis-server)";
                if ("1".equals(System.getenv("CAIRN_REDIS_REQUIRED"))) {
                    throw new AssertionError(why);
                }
                Assumptions.abort(why);
            }
            Private p = new Private(freePort(), Files.createTempDirectory("cairn-redis"));
            p.startAgain();
            return p;
        }

        URI url() {
            return URI.create("redis://127.0.0.1:" + port);
        }

        void startAgain() throws IOException {
            process = new ProcessBuilder(List.of(SERVER.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!ping(url())) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("redis-server did not start on port " + port + ": "
                            + Files.readString(dir.resolve("redis.log")));
                }
                sleep(20);
            }
        }

        /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as with a hung or swamped Redis. */
        void pause() throws IOException, InterruptedException {
            signal("STOP");
        }

        void resume() throws IOException, InterruptedException {
            signal("CONT");
        }

        private void signal(String name) throws IOException, InterruptedException {
            int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + name + " failed");
            }
        }

        /** Kills the server (SIGKILL: nothing said to its clients, as when a machine goes away). */
        void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws IOException {
            kill();
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
