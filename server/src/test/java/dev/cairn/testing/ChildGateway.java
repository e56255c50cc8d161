package dev.cairn.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway in its own JVM, on the test class path, on a control database the test names: it can
 * be killed like a real process ({@link #kill()}: SIGKILL) and started again on the same control
 * database. It picks its own port and says it in its ready line (no free-port race). The caller
 * drops what it made ({@link TestGateway#dropAll}).
 */
public final class ChildGateway implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("ready on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final Path log;
    private final Http http;
    private final int port;

    private ChildGateway(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.http = new Http(port);
    }

    /** Starts a gateway on {@code control} and waits until it answers {@code /health}. */
    public static ChildGateway start(String control, Map<String, String> overrides) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.cairn.server.Main", "serve");
        Map<String, String> env = pb.environment();
        env.put("DATABASE_URL", Pg.url("postgres"));
        env.put("CONTROL_DB", control);
        env.put("GATEWAY_HOST", "127.0.0.1");
        env.put("GATEWAY_PORT", "0");
        env.put("MAX_TOTAL_CONNECTIONS", "12");
        env.put("LOG_LEVEL", "info"); // for the ready line
        env.put("TZ", "UTC");
        env.put("CAIRN_ENV_FILE", "/nonexistent");
        env.put("READY_COPIES", "0"); // a copy being made when the test kills the gateway would outlive its clean-up
        env.putAll(TestGateway.natsNames(control)); // the same as its siblings'
        env.putAll(overrides);
        Path log = Files.createTempFile("cairn-child-" + control, ".log");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        Process p = pb.start();
        int port = awaitPort(p, log);
        ChildGateway child = new ChildGateway(p, log, port);
        Await.until("the child gateway answers /health", Duration.ofSeconds(30), () -> {
            try {
                return child.http.get("/health").status() == 200;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
        return child;
    }

    private static int awaitPort(Process p, Path log) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher ready = READY.matcher(Files.readString(log));
            if (ready.find()) {
                return Integer.parseInt(ready.group(1));
            }
            if (!p.isAlive()) {
                throw new AssertionError("the gateway exited with " + p.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("the gateway did not say where it listens:\n" + Files.readString(log));
    }

    public int port() {
        return port;
    }

    public Http http() {
        return http;
    }

    /** SIGKILL: no shutdown hook, no graceful end; whatever was in flight stops where it was. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public File log() {
        return log.toFile();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
