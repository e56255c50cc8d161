package dev.cairn.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The PostgreSQL server the tests of this JVM use, chosen once: the one named by
 * {@code CAIRN_TEST_PGHOST}/{@code CAIRN_TEST_PGPORT}/{@code CAIRN_TEST_PGUSER}, else the machine's
 * on 127.0.0.1:5432 when it answers, else an embedded PostgreSQL 17 started for this JVM (fresh
 * data in a temporary folder, stopped and removed at exit). So {@code ./mvnw verify} passes on a
 * machine with only a JDK. {@code CAIRN_TEST_PG=embedded} forces the embedded one, for a run that
 * proves that path next to a running server.
 */
public final class TestPostgres {

    /** Where the tests connect: trust authentication, user {@code user}. */
    public record Server(String host, int port, String user, boolean embedded) {
    }

    private static final Server SERVER = choose(System.getenv());

    private TestPostgres() {
    }

    public static Server server() {
        return SERVER;
    }

    private static Server choose(Map<String, String> env) {
        String user = env.getOrDefault("CAIRN_TEST_PGUSER", "postgres");
        Optional<String> host = Optional.ofNullable(env.get("CAIRN_TEST_PGHOST"));
        Optional<String> port = Optional.ofNullable(env.get("CAIRN_TEST_PGPORT"));
        if (host.isPresent() || port.isPresent()) {
            return new Server(host.orElse("127.0.0.1"), Integer.parseInt(port.orElse("5432")), user, false);
        }
        if (!"embedded".equals(env.get("CAIRN_TEST_PG")) && answers("127.0.0.1", 5432)) {
            return new Server("127.0.0.1", 5432, user, false);
        }
        return embedded();
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A scratch server: durability off (its data dies with the run), the connection limit of the
     * machine's server so that the suite stays within the same budget.
     */
    private static Server embedded() {
        try {
            Path data = Files.createTempDirectory("cairn-test-pg");
            var pg = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start(); // registers its own shutdown hook: stopped, and its folder removed, at exit
            System.err.println("tests: no PostgreSQL on 127.0.0.1:5432; using an embedded PostgreSQL on port "
                    + pg.getPort() + " (data in " + data + ")");
            return new Server("127.0.0.1", pg.getPort(), "postgres", true);
        } catch (IOException e) {
            throw new UncheckedIOException("no PostgreSQL on 127.0.0.1:5432 and the embedded one did not start", e);
        }
    }
}
