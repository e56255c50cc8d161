package dev.cairn.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text format itself: escaping, numbers, histograms; and the strict reader the other tests trust. */
class ExpositionTest {

    @Test
    void label_values_escape_backslash_quote_and_line_feed_and_read_back_unchanged() {
        String nasty = "a\\b\"c\nd} e=\"f\"";
        String text = new Exposition().family("x_total", "counter", "Help with a \\ and a\nline feed.")
                .sample("x_total", Exposition.labels("route", nasty, "status", "200"), 3).text();

        assertThat(text).isEqualTo("""
                # HELP x_total Help with a \\\\ and a\\nline feed.
                # TYPE x_total counter
                x_total{route="a\\\\b\\"c\\nd} e=\\"f\\"",status="200"} 3
                """);
        assertThat(text.lines()).hasSize(3);
        Scrape read = Scrape.parse(text);
        assertThat(read.samples()).singleElement().satisfies(s -> {
            assertThat(s.labels()).isEqualTo(Map.of("route", nasty, "status", "200"));
            assertThat(s.value()).isEqualTo(3);
        });
    }

    @Test
    void numbers_are_whole_when_they_can_be_and_bounds_are_written_as_people_write_them() {
        assertThat(Exposition.number(12)).isEqualTo("12");
        assertThat(Exposition.number(0.25)).isEqualTo("0.25");
        assertThat(Exposition.number(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(Exposition.number(Double.NaN)).isEqualTo("NaN");
        assertThat(Exposition.bound(0.0025)).isEqualTo("0.0025");
        assertThat(Exposition.bound(30)).isEqualTo("30");
        assertThat(Exposition.bound(0.001)).isEqualTo("0.001");
    }

    @Test
    void a_histogram_writes_cumulative_buckets_whose_last_equals_its_count() {
        Histogram h = new Histogram(Histogram.REQUEST_SECONDS);
        h.observe(500_000);           // 0.5 ms: first bucket
        h.observe(1_000_000);         // exactly 1 ms: still le="0.001"
        h.observe(40_000_000);        // 40 ms
        h.observe(31_000_000_000L);   // over 30 s: only +Inf
        Exposition out = new Exposition().family("d_seconds", "histogram", "Durations.");
        h.write(out, "d_seconds", Exposition.labels("route", "/x"));
        Scrape read = Scrape.parse(out.text());

        assertThat(read.one("d_seconds_bucket", "route", "/x", "le", "0.001").orElseThrow().value()).isEqualTo(2);
        assertThat(read.one("d_seconds_bucket", "route", "/x", "le", "0.025").orElseThrow().value()).isEqualTo(2);
        assertThat(read.one("d_seconds_bucket", "route", "/x", "le", "0.05").orElseThrow().value()).isEqualTo(3);
        assertThat(read.one("d_seconds_bucket", "route", "/x", "le", "30").orElseThrow().value()).isEqualTo(3);
        assertThat(read.one("d_seconds_bucket", "route", "/x", "le", "+Inf").orElseThrow().value()).isEqualTo(4);
        assertThat(read.one("d_seconds_count", "route", "/x").orElseThrow().value()).isEqualTo(4);
        assertThat(read.one("d_seconds_sum", "route", "/x").orElseThrow().value()).isCloseTo(31.0415,
                org.assertj.core.data.Offset.offset(1e-9));
        assertThat(read.all("d_seconds_bucket")).hasSize(Histogram.REQUEST_SECONDS.length + 1);
    }

    @Test
    void the_reader_refuses_what_prometheus_would_refuse() {
        assertThatThrownBy(() -> Scrape.parse("x 1\n")).hasMessageContaining("before the TYPE");
        assertThatThrownBy(() -> Scrape.parse("# TYPE x gauge\nx{a=\"b} 1\n")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> Scrape.parse("# TYPE x gauge\nx{a=\"\\t\"} 1\n")).hasMessageContaining("escape");
        assertThatThrownBy(() -> Scrape.parse("# TYPE x gauge\nx one\n")).hasMessageContaining("bad value");
        assertThatThrownBy(() -> Scrape.parse("# TYPE x gauge\nx 1\nx 2\n")).hasMessageContaining("repeated");
        assertThatThrownBy(() -> Scrape.parse("# TYPE x gauge\n# TYPE y gauge\nx 1\n"))
                .hasMessageContaining("two groups");
        assertThatThrownBy(() -> Scrape.parse("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
                + "h_sum 1\nh_count 1\n")).hasMessageContaining("not increasing");
        assertThatThrownBy(() -> Scrape.parse("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1\n"))
                .hasMessageContaining("_count 1.0 but +Inf bucket 2.0");
        assertThatThrownBy(() -> Scrape.parse("# TYPE x gauge\nx 1")).hasMessageContaining("line feed");
    }
}
