package dev.cairn.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void v1_names_are_platform_underscore_tenant_or_main_verbatim() {
        assertThat(Names.database("medstore", Optional.empty())).isEqualTo("medstore_main");
        assertThat(Names.database("todos-app", Optional.of("clinic-1"))).isEqualTo("todos-app_clinic-1");
        assertThat(Names.database("todos-app", Optional.of("clinic_1"))).isEqualTo("todos-app_clinic_1");
    }

    @Test
    void empty_and_null_tenant_ids_mean_the_main_database() {
        assertThat(Names.tenant(Optional.of(""))).isEmpty();
        assertThat(Names.tenant(Optional.of("null"))).isEmpty();
        assertThat(Names.tenant(Optional.of("  "))).isEmpty();
        assertThat(Names.tenant(Optional.empty())).isEmpty();
        assertThat(Names.tenant(Optional.of("acme"))).contains("acme");
    }

    @Test
    void main_is_reserved_as_a_tenant_and_cairn_as_a_platform() {
        assertThatThrownBy(() -> Names.tenant(Optional.of("main"))).hasMessageContaining("reserved");
        assertThatThrownBy(() -> Names.platform("cairn")).hasMessageContaining("reserved");
    }

    @Test
    void the_hand_written_check_accepts_exactly_what_the_name_patterns_accept() {
        java.util.regex.Pattern name = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9_-]*");
        java.util.regex.Pattern platform = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]*");
        List<String> words = new java.util.ArrayList<>(List.of(""));
        for (int length = 1; length <= 4; length++) {
            List<String> longer = new java.util.ArrayList<>();
            for (String w : words) {
                if (w.length() == length - 1) {
                    for (String c : List.of("a", "z", "0", "9", "-", "_", "A", ".", "é")) {
                        longer.add(w + c);
                    }
                }
            }
            words.addAll(longer);
        }
        for (String w : words) {
            assertThat(accepts(() -> Names.schema(w))).as("schema '%s'", w).isEqualTo(name.matcher(w).matches());
            assertThat(accepts(() -> Names.platform(w))).as("platform '%s'", w).isEqualTo(platform.matcher(w).matches());
        }
    }

    private static boolean accepts(Runnable check) {
        try {
            check.run();
            return true;
        } catch (CairnException e) {
            return false;
        }
    }

    @Test
    void names_with_quotes_semicolons_wildcards_comments_unicode_or_upper_case_are_refused() {
        for (String bad : List.of("a'b", "a;b", "a%", "a_%", "x--y; DROP", "a/*b*/", "Clinic", "café", "a b",
                "-leading", "_leading", "a\"b", "a\u0000b", "")) {
            assertThatThrownBy(() -> Names.platform(bad)).as(bad).isInstanceOf(CairnException.class);
        }
    }

    @Test
    void database_names_over_63_bytes_are_refused_not_truncated() {
        String platform = "p".repeat(40);
        String tenant = "t".repeat(22);
        assertThat(Names.database(platform, Optional.of(tenant))).hasSize(63);
        assertThatThrownBy(() -> Names.database(platform, Optional.of(tenant + "x")))
                .hasMessageContaining("64 bytes");
    }

    @Test
    void v4_uuids_become_underscored_lower_case_and_other_ids_stay_as_given() {
        assertThat(Names.databaseId("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"))
                .isEqualTo("a0eebc99_9c0b_4ef8_bb6d_6bb9bd380a11");
        assertThat(Names.databaseId("tenant-7")).isEqualTo("tenant-7");
    }
}
