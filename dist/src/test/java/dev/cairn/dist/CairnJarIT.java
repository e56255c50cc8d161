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
        int port = freePort();
        String control = "cairn_jarit_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "serve").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(Map.of("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres",
                "CONTROL_DB", control, "GATEWAY_PORT", Integer.toString(port), "MAX_TOTAL_CONNECTIONS", "10",
                "CAIRN_ENV_FILE", "/nonexistent", "LOG_FORMAT", "json"));
        Process server = pb.start();
        try {
            Run health = run(Map.of(), "--wait", "60s", "health", "--url", "http://127.0.0.1:" + port);

            assertThat(health.exit()).as(health.out()).isZero();
            assertThat(health.out()).contains("healthy");
        } finally {
            server.destroy(); // SIGTERM: the gateway stops cleanly
            assertThat(server.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)).isTrue();
            dropDatabase(control);
        }
    }

    private static void dropDatabase(String name) throws Exception {
        Process psql = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc",
                "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)").redirectErrorStream(true).start();
        String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(psql.waitFor()).as(out).isZero();
    }
}
