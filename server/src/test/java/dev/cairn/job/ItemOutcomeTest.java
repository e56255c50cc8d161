package dev.cairn.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The per-database result as clients read it, stored and read back unchanged, and results stored
 * by an older Cairn read the way they are written now.
 */
class ItemOutcomeTest {

    @Test
    void a_failure_has_a_sentence_in_error_and_the_structured_problem_beside_it() {
        CairnException blocked = new CairnException(Problem.of(ErrorCode.SCHEMA_CHANGE_BLOCKED,
                "dropping column accounts.tags loses data").with("blocked", List.of("drop_column accounts.tags")));

        ItemResult r = ItemOutcome.failed("shop_t1", blocked).item();

        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.unchanged()).isFalse();
        assertThat(r.error()).contains("dropping column accounts.tags loses data");
        assertThat(r.errorCode()).contains("schema_change_blocked");
        assertThat(r.problem().orElseThrow().path("blocked").get(0).asText()).isEqualTo("drop_column accounts.tags");
        assertThat(JobJson.result(JobJson.write(r))).isEqualTo(r);
    }

    @Test
    void a_skipped_database_says_why_in_a_sentence() {
        ItemResult r = ItemOutcome.skipped("shop_t2", "the canary failed").item();

        assertThat(r.status()).isEqualTo("skipped");
        assertThat(r.error()).contains("the canary failed");
        assertThat(r.problem().orElseThrow()).isEqualTo(JobJson.tree(java.util.Map.of("error", "skipped",
                "message", "the canary failed")));
        JsonNode stored = JobJson.tree(r);
        assertThat(stored.has("execution_time_ms")).as("absent, not null, when nothing ran").isFalse();
        assertThat(stored.get("error").asText()).isEqualTo("the canary failed");
    }

    @Test
    void results_stored_before_the_change_are_read_as_they_are_written_now() {
        ItemResult unchanged = JobJson.result("{\"database\":\"a\",\"status\":\"unchanged\",\"error\":null}");
        ItemResult failed = JobJson.result("{\"database\":\"b\",\"status\":\"failed\",\"error\":{\"error\":"
                + "\"migration_failed\",\"message\":\"syntax error at or near \\\"SELEC\\\"\"}}");

        assertThat(unchanged.status()).isEqualTo("completed");
        assertThat(unchanged.unchanged()).isTrue();
        assertThat(unchanged.error()).isEmpty();
        assertThat(unchanged.problem()).isEmpty();
        assertThat(unchanged.migrations()).isEmpty();
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.unchanged()).isFalse();
        assertThat(failed.error()).contains("syntax error at or near \"SELEC\"");
        assertThat(failed.errorCode()).contains("migration_failed");
        ItemResult current = ItemOutcome.failed("c", new CairnException(Problem.of(ErrorCode.MIGRATION_FAILED,
                "boom"))).item();
        assertThat(JobJson.result(JobJson.write(current))).isEqualTo(current);
        assertThat(current.executionTimeMs()).isEqualTo(Optional.empty());
    }
}
