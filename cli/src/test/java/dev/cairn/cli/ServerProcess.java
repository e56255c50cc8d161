package dev.cairn.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real gateway, {@code server/target/cairn-server.jar serve}, as a child process on a free
 * port with a control database of its own, run by the test JVM's own java. {@link #close()} stops
 * it and drops everything it made: the databases it recorded, those of the platforms handed out
 * by {@link #platform()}, their templates, the control database and the platforms' roles.
 */
final class ServerProcess implements AutoCloseable {

    static final String ADMIN_TOKEN = "cli-test-admin-token-0123456789";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern READY = Pattern.compile("ready on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private int port; // 0 until the server said where it listens
    private final String controlDatabase;
    private final Path log;
    private final List<String> platforms = new ArrayList<>();

    private ServerProcess(Process process, int port, String controlDatabase, Path log) {
        this.process = process;
        this.port = port;
        this.controlDatabase = controlDatabase;
        this.log = log;
    }

    /** Starts on a port the server picks (no race for a "free" one) and waits until {@code /health} answers. */
    static ServerProcess start() {
        return startOn(0);
    }

    /** Starts on the given port and waits until {@code /health} answers. */
    static ServerProcess startOn(int port) {
        ServerProcess server = launch(port);
        server.awaitHealthy();
        return server;
    }

    /** Starts without waiting: for a client that must wait for a server still coming up. */
    static ServerProcess launch(int port) {
        String control = "cairn_clitest_" + randomHex();
        try {
            Path log = Files.createTempFile("cairn-cli-server", ".log");
            ProcessBuilder pb = new ProcessBuilder(java(), "-jar", serverJar().toString(), "serve")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            var env = pb.environment();
            env.put("DATABASE_URL", Pg.URL);
            env.put("CONTROL_DB", control);
            env.put("GATEWAY_HOST", "127.0.0.1");
            env.put("GATEWAY_PORT", Integer.toString(port));
            env.put("ADMIN_TOKEN", ADMIN_TOKEN);
            env.put("MAX_TOTAL_CONNECTIONS", "20");
            env.put("CAIRN_ENV_FILE", "/nonexistent");
            env.put("LOG_LEVEL", "info"); // the "ready on http://127.0.0.1:<port>" line
            env.put("SHUTDOWN_GRACE_SECS", "2");
            return new ServerProcess(pb.start(), port, control, log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the server: " + e.getMessage(), e);
        }
    }

    static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    static Path serverJar() {
        Path jar = Path.of(System.getProperty("cairn.server.jar", "../server/target/cairn-server.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the server first (./mvnw package -pl server)");
        }
        return jar;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String randomHex() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    void awaitHealthy() {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + ":\n" + log());
            }
            if (port == 0) {
                Matcher ready = READY.matcher(log());
                if (ready.find()) {
                    port = Integer.parseInt(ready.group(1));
                }
                sleep(50);
                continue;
            }
            try {
                var res = client.send(HttpRequest.newBuilder(URI.create(url() + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException("the server did not answer /health within " + START_TIMEOUT + ":\n" + log());
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A platform name no other test or run uses; its databases are dropped on close. */
    synchronized String platform() {
        String name = "c" + randomHex();
        platforms.add(name);
        return name;
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy(); // a graceful stop: a ready copy being made is finished and recorded first
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> recorded = Pg.exists(controlDatabase) ? Pg.column(controlDatabase,
                "SELECT name FROM databases UNION SELECT database_name FROM templates"
                        + " UNION SELECT database FROM ready_copies UNION SELECT name FROM database_creations") : List.of();
        dropAll(recorded);
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
    }

    private void dropAll(List<String> recorded) {
        List<String> roles = platforms.stream().map(p -> "cairn_" + p).toList();
        List<String> templates = Pg.column("postgres", "SELECT d.datname FROM pg_database d JOIN pg_roles r"
                + " ON r.oid = d.datdba WHERE (d.datname LIKE 'cairn\\_tpl\\_%' OR d.datname LIKE 'cairn\\_rdy\\_%') AND r.rolname = ANY (?)",
                (Object) roles.toArray(new String[0]));
        for (String db : Pg.column("postgres", "SELECT datname FROM pg_database")) {
            boolean ours = recorded.contains(db) || templates.contains(db)
                    || platforms.stream().anyMatch(p -> db.startsWith(p + "_"));
            if (ours) {
                Pg.drop(db);
            }
        }
        Pg.drop(controlDatabase);
        for (String role : Pg.column("postgres", "SELECT rolname FROM pg_roles WHERE rolname LIKE 'cairn\\_%'")) {
            if (platforms.stream().anyMatch(p -> role.equals("cairn_" + p) || role.startsWith("cairn_" + p + "-"))) {
                Pg.execute("postgres", "DROP ROLE IF EXISTS " + Pg.quote(role));
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
