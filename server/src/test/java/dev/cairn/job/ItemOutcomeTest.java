package dev.cairn.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-database result as clients read it, and results stored by an older Cairn read the same way. */
class ItemOutcomeTest {

    @Test
    void a_failure_has_a_sentence_in_error_and_the_structured_problem_beside_it() {
        CairnException blocked = new CairnException(Problem.of(ErrorCode.SCHEMA_CHANGE_BLOCKED,
                "dropping column accounts.tags loses data").with("blocked", List.of("drop_column accounts.tags")));

        Map<String, Object> f = ItemOutcome.failed("shop_t1", blocked).fields();

        assertThat(f).containsEntry("status", "failed").containsEntry("unchanged", false)
                .containsEntry("error", "dropping column accounts.tags loses data");
        @SuppressWarnings("unchecked")
        Map<String, Object> problem = (Map<String, Object>) f.get("problem");
        assertThat(problem).containsEntry("error", "schema_change_blocked")
                .containsEntry("blocked", List.of("drop_column accounts.tags"));
    }

    @Test
    void a_skipped_database_says_why_in_a_sentence() {
        Map<String, Object> f = ItemOutcome.skipped("shop_t2", "the canary failed").fields();

        assertThat(f).containsEntry("status", "skipped").containsEntry("error", "the canary failed");
        assertThat(f.get("problem")).isEqualTo(Map.of("error", "skipped", "message", "the canary failed"));
    }

    @Test
    void results_stored_before_the_change_are_read_as_they_are_written_now() {
        Map<String, Object> oldUnchanged = new HashMap<>(Map.of("database", "a", "status", "unchanged"));
        oldUnchanged.put("error", null);
        Map<String, Object> oldFailed = Map.of("database", "b", "status", "failed",
                "error", Map.of("error", "migration_failed", "message", "syntax error at or near \"SELEC\""));

        Map<String, Object> unchanged = ItemOutcome.upgraded(oldUnchanged);
        Map<String, Object> failed = ItemOutcome.upgraded(oldFailed);

        assertThat(unchanged).containsEntry("status", "completed").containsEntry("unchanged", true)
                .containsEntry("error", null).containsEntry("problem", null);
        assertThat(failed).containsEntry("status", "failed").containsEntry("unchanged", false)
                .containsEntry("error", "syntax error at or near \"SELEC\"")
                .containsEntry("problem", oldFailed.get("error"));
        Map<String, Object> current = ItemOutcome.failed("c", new CairnException(Problem.of(ErrorCode.MIGRATION_FAILED,
                "boom"))).fields();
        assertThat(ItemOutcome.upgraded(current)).isSameAs(current);
    }
}
