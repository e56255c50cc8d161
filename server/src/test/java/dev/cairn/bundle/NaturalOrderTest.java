package dev.cairn.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NaturalOrderTest {

    private static final NaturalOrder ORDER = NaturalOrder.INSTANCE;

    @Test
    void numbers_compare_by_value_not_by_characters() {
        assertThat(ORDER.compare("2_x.sql", "10_y.sql")).isNegative();
        assertThat(ORDER.compare("10_y.sql", "2_x.sql")).isPositive();
        assertThat(ORDER.compare("v9", "v10")).isNegative();
    }

    @Test
    void numbers_longer_than_a_long_compare_without_overflow() {
        assertThat(ORDER.compare("99999999999999999999999_a", "100000000000000000000000_a")).isNegative();
    }

    @Test
    void leading_zeros_break_ties_only_when_everything_else_is_equal() {
        assertThat(ORDER.compare("1_a", "001_a")).isNegative();
        assertThat(ORDER.compare("001_a", "1_b")).isNegative();
        assertThat(ORDER.compare("01_a", "1_a")).isPositive();
    }

    @Test
    void other_characters_compare_case_sensitively() {
        assertThat(ORDER.compare("B.sql", "a.sql")).isNegative();
        assertThat(ORDER.compare("a.sql", "a.sql")).isZero();
    }

    @Test
    void paths_compare_segment_by_segment() {
        assertThat(ORDER.compare("migrations/2/x.sql", "migrations/10/a.sql")).isNegative();
        assertThat(ORDER.compare("functions", "functions/a.sql")).isNegative();
        // "-" sorts before "/" in plain string order; segment order is not fooled by it.
        assertThat(ORDER.compare("a/b.sql", "a-b/c.sql")).isNegative();
    }

    @Test
    void sorts_a_typical_migration_folder() {
        var names = new ArrayList<>(List.of("10_add_index.sql", "2_add_email.sql", "1_init.sql", "100_drop.sql",
                "20240101_baseline.sql", "002_fix.sql"));
        names.sort(ORDER);
        assertThat(names).containsExactly("1_init.sql", "2_add_email.sql", "002_fix.sql", "10_add_index.sql",
                "100_drop.sql", "20240101_baseline.sql");
    }

    @Test
    void is_a_total_order_over_tricky_samples() {
        var samples = List.of("", "a", "A", "a1", "a01", "a001", "a1b", "a01b", "a2", "a10", "a/1", "a/01", "1",
                "01", "1/a", "1a", "a-1", "a_1", "x9y", "x09y", "x9z", "x10", "ä1", "a 1", "0", "00");
        for (var a : samples) {
            assertThat(ORDER.compare(a, a)).isZero();
            for (var b : samples) {
                int ab = Integer.signum(ORDER.compare(a, b));
                assertThat(Integer.signum(ORDER.compare(b, a))).isEqualTo(-ab);
                assertThat(ab == 0).isEqualTo(a.equals(b));
                for (var c : samples) {
                    if (ab < 0 && ORDER.compare(b, c) < 0) {
                        assertThat(ORDER.compare(a, c)).as("%s < %s < %s", a, b, c).isNegative();
                    }
                }
            }
        }
    }
}
