package dev.cairn.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Registers the real schema folders of public StoneScript projects from {@code ../shared/fixtures}
 * when that folder exists ({@link SharedFixtures}: skipped without it, failed when CI says it is there).
 */
class RealFixturesTest {


    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();

    @TestFactory
    Stream<DynamicTest> every_real_schema_folder_registers() throws IOException {
        Path shared = SharedFixtures.folder("stonescript-real");
        return folders(shared).stream().map(folder -> DynamicTest.dynamicTest(shared.relativize(folder).toString(), () -> {
            Http.Answer a = gateway.http().register(gateway.platform(), null, Bundles.tarGz(folder));
            assertThat(a.status()).as(folder + ": " + a).isEqualTo(200);
            assertThat(a.body().get("functions_deployed").asInt() + a.body().get("tables_created").asInt()
                    + a.body().get("migrations_applied").asInt()).isPositive();
        }));
    }

    @Test
    void the_todos_sample_app_runs_its_migrations_in_order_and_its_functions_answer() {
        Path sample = SharedFixtures.folder("stonescript-real/stonescriptdb-gateway-sample-todos-app");
        String platform = gateway.platform();
        Http http = gateway.http();

        Http.Answer register = http.register(platform, null, Bundles.tarGz(sample));
        assertThat(register.status()).as(register.toString()).isEqualTo(200);
        assertThat(register.body().get("migrations_applied").asInt()).isEqualTo(4);
        assertThat(register.body().get("functions_deployed").asInt()).isEqualTo(10);

        assertThat(http.call(platform, null, "get_all_tags", List.of()).body().get("row_count").asInt())
                .isGreaterThanOrEqualTo(5);
        assertThat(http.call(platform, null, "get_user_by_id", List.of(1)).body().get("rows").get(0)
                .get("email").asText()).isEqualTo("john@example.com");
        assertThat(http.call(platform, null, "get_todos_by_user", List.of(1, true)).body().get("row_count").asInt())
                .isGreaterThanOrEqualTo(5);
        Http.Answer inserted = http.call(platform, null, "insert_todo", java.util.Arrays.asList(1, "New", "Desc", 2, null));
        assertThat(inserted.body().get("rows").get(0).get("insert_todo").asInt()).isPositive();
        assertThat(http.call(platform, null, "mark_todo_complete", List.of(1, 1, true)).body().get("rows").get(0)
                .get("mark_todo_complete").asInt()).isEqualTo(1);
        assertThat(http.call(platform, null, "get_todo_stats", List.of(1)).body().get("rows").get(0)
                .get("total_todos").asInt()).isGreaterThanOrEqualTo(5);
        assertThat(http.call(platform, null, "nonexistent_function", List.of()).status()).isEqualTo(404);
    }

    private static List<Path> folders(Path shared) throws IOException {
        try (Stream<Path> walk = Files.walk(shared, 4)) {
            return walk.filter(p -> p.getFileName().toString().equals("postgresql")
                            || p.getFileName().toString().equals("Schema"))
                    .filter(Files::isDirectory)
                    .map(Path::getParent)
                    .sorted()
                    .toList();
        }
    }
}
