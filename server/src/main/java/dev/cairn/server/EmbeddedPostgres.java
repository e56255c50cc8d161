package dev.cairn.server;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.pool.PgServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server Cairn runs itself, so that a machine with only a JDK has a working gateway:
 * used when no server is configured ({@code DATABASE_URL}, {@code DB_*}) and nothing answers on
 * localhost:5432. A configured server is never replaced by it. Its data is kept under
 * {@code EMBEDDED_PG_DIR} across restarts; it listens on localhost only, on a free port, and stops
 * when Cairn stops. The binaries (PostgreSQL 17) come from Maven Central with the build.
 */
final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final int DEFAULT_PORT = 5432;

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;
    private final Path dataDirectory;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server, Path dataDirectory) {
        this.server = server;
        this.dataDirectory = dataDirectory;
    }

    /** Why it runs, for its log line. */
    static String reason(Config config) {
        return config.embeddedPostgres().equals("on") ? "EMBEDDED_PG=on"
                : "no PostgreSQL configured and none on localhost:" + DEFAULT_PORT;
    }

    /**
     * Whether Cairn runs its own server: {@code EMBEDDED_PG=auto} when no server is configured and
     * none answers on localhost:5432, {@code on} whenever none is configured, {@code off} never.
     */
    static boolean needed(Config config) {
        return switch (config.embeddedPostgres()) {
            case "off" -> false;
            case "on" -> {
                if (config.postgresConfigured()) {
                    throw new CairnException(Problem.of(ErrorCode.INVALID_CONFIGURATION, "EMBEDDED_PG=on, but"
                            + " DATABASE_URL or DB_* name a server: unset one of them"));
                }
                yield true;
            }
            default -> !config.postgresConfigured() && !answers("localhost", DEFAULT_PORT, Duration.ofMillis(500));
        };
    }

    static boolean answers(String host, int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Starts (and on first use initializes) the server in {@code dataDirectory}. Durability settings
     * stay PostgreSQL's defaults: this is where the user's data lives, not a test scratch server.
     */
    static EmbeddedPostgres start(Path dataDirectory, String why) {
        long started = System.nanoTime();
        try {
            Files.createDirectories(dataDirectory);
            var server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("listen_addresses", "localhost")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            EmbeddedPostgres embedded = new EmbeddedPostgres(server, dataDirectory.toAbsolutePath());
            LOG.info("{}: started an embedded PostgreSQL at {} in {} ms (data in {}; set DATABASE_URL to use your own)",
                    why, embedded.url(), (System.nanoTime() - started) / 1_000_000, embedded.dataDirectory);
            return embedded;
        } catch (IOException | RuntimeException e) {
            throw new CairnException(Problem.of(ErrorCode.INVALID_CONFIGURATION, "no PostgreSQL configured"
                    + " (DATABASE_URL, DB_*), none on localhost:" + DEFAULT_PORT
                    + ", and the embedded one did not start"
                    + " in " + dataDirectory + ": " + e.getMessage()), e);
        }
    }

    String url() {
        return "postgres://postgres@localhost:" + server.getPort() + "/postgres";
    }

    PgServer pgServer() {
        return new PgServer("localhost", server.getPort(), "postgres", "postgres", "", Map.of());
    }

    @Override
    public void close() {
        try {
            server.close();
            LOG.info("embedded PostgreSQL stopped");
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
