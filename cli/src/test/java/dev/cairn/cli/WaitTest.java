package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class WaitTest {

    @Test
    void wait_retries_until_a_server_that_starts_late_answers() throws Exception {
        int port = ServerProcess.freePort();
        CompletableFuture<ServerProcess> late = CompletableFuture.supplyAsync(() -> {
            sleep(1_500);
            return ServerProcess.launch(port);
        });
        try {
            long started = System.nanoTime();
            Run run = Run.cairn(Map.of(), "health", "--url", "http://127.0.0.1:" + port, "--wait", "90s");

            assertThat(run.exit()).as(run.toString()).isZero();
            assertThat(run.out()).startsWith("healthy: ");
            assertThat(System.nanoTime() - started).isGreaterThan(1_500_000_000L);
        } finally {
            late.get().close();
        }
    }

    @Test
    void wait_gives_up_when_its_time_runs_out() {
        int port = ServerProcess.freePort();
        long started = System.nanoTime();

        Run run = Run.cairn(Map.of(), "platforms", "--url", "http://127.0.0.1:" + port, "--wait", "700ms");

        assertThat(run.exit()).isEqualTo(5);
        assertThat(run.err()).contains("after waiting 700ms");
        assertThat(System.nanoTime() - started).isGreaterThan(400_000_000L);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
