package dev.cairn.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PgTextTest {

    private static List<Object> flat(List<PgText.Element> elements) {
        return elements.stream().map(e -> switch (e) {
            case PgText.Scalar s -> (Object) s.text().orElse("<null>");
            case PgText.Nested n -> (Object) flat(n.elements());
        }).toList();
    }

    @Test
    void arrays_with_quotes_backslashes_nulls_and_empty_strings_parse() {
        assertThat(flat(PgText.array("{a,\"b c\",\"d\\\"e\",NULL,\"NULL\",\"\"}", ',')))
                .containsExactly("a", "b c", "d\"e", "<null>", "NULL", "");
        assertThat(flat(PgText.array("{}", ','))).isEmpty();
        assertThat(flat(PgText.array("{{1,2},{3,4}}", ','))).containsExactly(List.of("1", "2"), List.of("3", "4"));
        assertThat(flat(PgText.array("[0:1]={7,8}", ','))).containsExactly("7", "8");
        assertThat(flat(PgText.array("{(1,2),(3,4);(5,6),(7,8)}", ';'))).containsExactly("(1,2),(3,4)", "(5,6),(7,8)");
        assertThat(flat(PgText.array("{\"back\\\\slash\"}", ','))).containsExactly("back\\slash");
    }

    @Test
    void records_distinguish_null_from_the_empty_string() {
        assertThat(PgText.record("(1,\"a b\",,\"\")"))
                .containsExactly(Optional.of("1"), Optional.of("a b"), Optional.empty(), Optional.of(""));
        assertThat(PgText.record("(\"say \"\"hi\"\"\",\"x\\\\y\")"))
                .containsExactly(Optional.of("say \"hi\""), Optional.of("x\\y"));
        assertThat(PgText.record("(,)")).containsExactly(Optional.empty(), Optional.empty());
    }

    @Test
    void malformed_text_is_reported_not_looped_on() {
        for (String bad : List.of("{a,b", "{\"open}", "(1,2", "", "x")) {
            assertThatThrownBy(() -> PgText.array(bad, ',')).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> PgText.record("(\"x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void timestamps_become_iso_8601_with_a_full_offset() {
        assertThat(ValueWriters.isoTimestamp("2024-02-29 13:45:01.5")).isEqualTo("2024-02-29T13:45:01.5");
        assertThat(ValueWriters.isoTimestamp("2024-02-29 13:45:01+00")).isEqualTo("2024-02-29T13:45:01+00:00");
        assertThat(ValueWriters.isoTimestamp("2024-02-29 13:45:01-05:30")).isEqualTo("2024-02-29T13:45:01-05:30");
        assertThat(ValueWriters.isoTimestamp("infinity")).isEqualTo("infinity");
        assertThat(ValueWriters.isoOffset("13:45:01+02")).isEqualTo("13:45:01+02:00");
    }
}
