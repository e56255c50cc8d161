package dev.cairn.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestPostgres;
import org.junit.jupiter.api.Test;

/** target/cairn.jar is one runnable jar: {@code serve} runs the gateway, the rest is the client. */
class CairnJarIT {

    private static final Path JAR = Path.of(System.getProperty("cairn.jar", "../target/cairn.jar"));
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    record Run(int exit, String out) {
    }

    private static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void the_jar_prints_the_client_help_with_its_exit_codes() throws Exception {
        assertThat(Files.exists(JAR)).as(JAR + " is built by package").isTrue();

        Run help = run(Map.of(), "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("register", "migrate", "health", "Exit codes");
    }

    @Test
    void the_jar_serves_and_its_own_client_finds_it_healthy() throws Exception {
        TestPostgres.Server pg = TestPostgres.server();
        String control = "cairn_jarit_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        try {
            Served served = serve(Map.of("DATABASE_URL", "postgres://" + pg.user() + "@" + pg.host() + ":" + pg.port()
                    + "/postgres", "CONTROL_DB", control), Files.createTempDirectory("cairn-jarit"));
            served.stop();
        } finally {
            Pg.execute("postgres", "DROP DATABASE IF EXISTS \"" + control + "\" WITH (FORCE)");
        }
    }

    /**
     * No server configured: the jar runs its own PostgreSQL with its data under the working
     * folder's .cairn/pg, says so, stops it on SIGTERM, and finds its data again on the next start.
     * EMBEDDED_PG=on makes it do so here too, where a server answers on localhost:5432.
     */
    @Test
    void without_a_configured_server_the_jar_runs_its_own_and_keeps_its_data() throws Exception {
        Path home = Files.createTempDirectory("cairn-jarit-home");
        Map<String, String> env = Map.of("EMBEDDED_PG", "on");

        Served first = serve(env, home);
        first.stop();
        Served second = serve(env, home);
        second.stop();

        assertThat(first.log()).contains("started an embedded PostgreSQL", "embedded PostgreSQL stopped");
        assertThat(home.resolve(".cairn/pg/PG_VERSION")).exists();
        // the second start found the control database the first one made
        assertThat(first.log()).contains("created control database cairn");
        assertThat(second.log()).doesNotContain("created control database").contains("started an embedded PostgreSQL");
    }

    record Served(Process process, Path logFile) {
        void stop() throws Exception {
            process.destroy(); // SIGTERM: the gateway stops cleanly
            assertThat(process.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS)).as(log()).isTrue();
            assertThat(process.exitValue()).as(log()).isIn(0, 143);
        }

        String log() throws IOException {
            return Files.readString(logFile);
        }
    }

    /** The jar's gateway in {@code workingDirectory}, answering its own client's health check. */
    private static Served serve(Map<String, String> env, Path workingDirectory) throws Exception {
        int port = freePort();
        Path log = workingDirectory.resolve("gateway-" + port + ".log");
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-jar", JAR.toAbsolutePath().toString(), "serve")
                .directory(workingDirectory.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.equals("DATABASE_URL") || k.startsWith("DB_"));
        pb.environment().putAll(Map.of("GATEWAY_PORT", Integer.toString(port), "MAX_TOTAL_CONNECTIONS", "10",
                "CAIRN_ENV_FILE", "/nonexistent", "LOG_FORMAT", "json"));
        pb.environment().putAll(env);
        Served served = new Served(pb.start(), log);
        Run health = run(Map.of(), "--wait", "90s", "health", "--url", "http://127.0.0.1:" + port);
        assertThat(health.exit()).as(health.out() + served.log()).isZero();
        assertThat(health.out()).contains("healthy");
        return served;
    }
}
