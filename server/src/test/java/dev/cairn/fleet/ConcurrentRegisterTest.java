package dev.cairn.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The StoneScript gateway let two concurrent registrations deploy into one database and drop it. */
class ConcurrentRegisterTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();

    @Test
    void ten_concurrent_registers_of_one_platform_give_one_200_and_nine_409s_and_keep_the_database() throws Exception {
        String platform = gateway.platform();
        byte[] bundle = Bundles.tarGz(Bundles.fixture("shop"));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Http.Answer>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(10)) {
            for (int i = 0; i < 10; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return gateway.http().register(platform, null, bundle);
                }));
            }
            go.countDown();
        }
        List<Integer> statuses = new ArrayList<>();
        for (Future<Http.Answer> f : answers) {
            statuses.add(f.get().status());
        }

        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 409).hasSize(9);
        assertThat(Pg.databaseExists(platform + "_main")).isTrue();
        assertThat(Pg.scalar(platform + "_main", "SELECT count(*) FROM products")).isEqualTo("3");
        assertThat(Pg.scalar(platform + "_main", "SELECT count(*) FROM cairn.deployments")).isEqualTo("1");
        assertThat(Pg.databases()).filteredOn(d -> d.startsWith(platform)).containsExactly(platform + "_main");
    }

    @Test
    void more_concurrent_tenant_creations_than_control_connections_all_succeed_with_one_template() throws Exception {
        try (TestGateway small = TestGateway.start(java.util.Map.of("MAX_CONNECTIONS_PER_POOL", "3"))) {
            String platform = small.platform();
            byte[] bundle = Bundles.tarGz(Bundles.fixture("todos"));
            List<Future<Http.Answer>> answers = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
                for (int i = 0; i < 12; i++) {
                    String tenant = "tenant" + i;
                    answers.add(pool.submit(() -> small.http().register(platform, tenant, bundle)));
                }
            }
            for (Future<Http.Answer> f : answers) {
                assertThat(f.get().status()).as(f.get().toString()).isEqualTo(200);
            }
            assertThat(Pg.scalar(small.controlDatabase(), "SELECT count(*) FROM templates WHERE platform = ?", platform))
                    .isEqualTo("1");
            assertThat(Pg.scalar(platform + "_tenant11", "SELECT count(*) FROM todos")).isEqualTo("3");
        }
    }
}
