package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Replicas of a deployment start at the same moment: two instances on a control database that
 * does not exist yet must both come up (one creates it, the other finds it), never fail on the
 * race. Repeated, since the race is only sometimes lost.
 */
class StartupRaceTest {

    @RepeatedTest(3)
    void two_instances_started_at_once_on_a_new_control_database_both_come_up() throws Exception {
        String control = "cairn_test_race_" + TestGateway.randomHex();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<TestGateway>> starting = new ArrayList<>();
        List<TestGateway> started = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (int i = 0; i < 2; i++) {
                starting.add(pool.submit(() -> {
                    go.await();
                    return TestGateway.start(Map.of("CONTROL_DB", control));
                }));
            }
            go.countDown();
            List<Throwable> failures = new ArrayList<>();
            for (Future<TestGateway> f : starting) {
                try {
                    started.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    failures.add(e.getCause());
                }
            }
            assertThat(failures).as("start-up failures").isEmpty();
            for (TestGateway g : started) {
                assertThat(g.http().get("/health").status()).isEqualTo(200);
            }
            assertThat(Pg.scalar(control, "SELECT count(*) FROM cairn_schema_history WHERE success")).isNotEqualTo("0");
        } finally {
            started.forEach(g -> g.gateway().close());
            started.forEach(TestGateway::close); // both drop the same control database; the second finds it gone
            Pg.drop(control);
        }
    }
}
