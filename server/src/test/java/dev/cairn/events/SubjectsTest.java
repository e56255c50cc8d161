package dev.cairn.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SubjectsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "orders          | orders",
            "Order_Lines-2   | Order_Lines-2",
            "a.b             | a%2Eb",
            ">               | %3E",
            "*               | %2A",
            "\"two words\"   | two%20words",
            "%41             | %2541",
            "~               | %7E",
            "é               | %C3%A9",
            "\"\"            | ~",
    })
    void every_name_is_one_token_free_of_separators_and_wildcards(String name, String token) {
        assertThat(Subjects.token(name)).isEqualTo(token);
        assertThat(Subjects.token(name)).doesNotContain(".", "*", ">", " ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "shop | t1   | orders   | created | cairn.shop.t1.orders.created",
            "shop | main | a.b      | x>      | cairn.shop.main.a%2Eb.x%3E",
            "shop | t-1  | order.*  | shipped | cairn.shop.t-1.order%2E%2A.shipped",
    })
    void an_event_subject_has_five_levels_whatever_the_names(String platform, String tenant, String entity, String type,
                                                             String subject) {
        String built = Subjects.event("cairn", platform, tenant, entity, type);
        assertThat(built).isEqualTo(subject);
        assertThat(built.split("\\.")).hasSize(5);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "shop    | database | created  | cairn.control.shop.database.created",
            "a.b     | job      | progress | cairn.control.a%2Eb.job.progress",
    })
    void control_subjects_escape_the_platform_too(String platform, String what, String happened, String subject) {
        assertThat(Subjects.control("cairn", platform, what, happened)).isEqualTo(subject);
    }
}
