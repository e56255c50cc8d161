package dev.cairn.data;

import dev.cairn.codec.ValueWriters;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The sinks between the executor's rows and what a face receives: pages, single rows, hits. */
final class Sinks {

    private Sinks() {
    }

    /** Rows of a write (one JSON object each), kept to render the answer. */
    static final class Collected implements RowSink {
        final List<String> rows = new ArrayList<>();

        @Override
        public void row(String[] values) {
            rows.add(values[0]);
        }

        @Override
        public void end(long rows) {
        }
    }

    /** The face's sink, noting whether any of the answer reached it (then a statement is never run again). */
    static final class Started implements RowSink {
        private final RowSink sink;
        boolean begun;

        Started(RowSink sink) {
            this.sink = sink;
        }

        @Override
        public void begin(List<String> columns, List<ValueWriters.ValueWriter> writers, long startedNanos)
                throws IOException {
            begun = true;
            sink.begin(columns, writers, startedNanos);
        }

        @Override
        public void row(String[] values) throws IOException {
            sink.row(values);
        }

        @Override
        public void end(long rows) throws IOException {
            sink.end(rows);
        }
    }

    /** A list page: drops the look-ahead row, keeps the last row's cursor values, reads the total. */
    static final class PageRows implements RowSink {
        private final PageSink sink;
        private final EntityPlanner.ListPlan plan;
        private String[] last;
        private int given;
        private boolean more;
        private OptionalLong total = OptionalLong.empty();

        PageRows(PageSink sink, EntityPlanner.ListPlan plan) {
            this.sink = sink;
            this.plan = plan;
        }

        @Override
        public void row(String[] values) throws IOException {
            if (plan.counted()) {
                total = OptionalLong.of(Long.parseLong(values[values.length - 1]));
                if (values[0] == null) {
                    return; // the count's row of an empty page
                }
            }
            if (given == plan.take()) {
                more = true;
                return;
            }
            sink.row(values[0], Optional.empty());
            last = values;
            given++;
        }

        @Override
        public void end(long rows) throws IOException {
            Optional<String> next = Optional.empty();
            if (more && last != null && !plan.order().isEmpty()) {
                List<Optional<String>> values = new ArrayList<>();
                for (int i = 0; i < plan.order().size(); i++) {
                    values.add(Optional.ofNullable(last[1 + i]));
                }
                next = Optional.of(Cursor.encode(values));
            }
            sink.end(next, total);
        }
    }

    /** One row by id: notes whether there was one. */
    static final class Found implements RowSink {
        private final PageSink sink;
        boolean any;

        Found(PageSink sink) {
            this.sink = sink;
        }

        @Override
        public void row(String[] values) throws IOException {
            any = true;
            sink.row(values[0], Optional.empty());
        }

        @Override
        public void end(long rows) throws IOException {
            if (any) {
                sink.end(Optional.empty(), OptionalLong.empty());
            }
        }
    }

    /** Search hits with their distances. */
    static final class SearchRows implements RowSink {
        private final PageSink sink;

        SearchRows(PageSink sink) {
            this.sink = sink;
        }

        @Override
        public void row(String[] values) throws IOException {
            sink.row(values[0], Optional.ofNullable(values[1]));
        }

        @Override
        public void end(long rows) throws IOException {
            sink.end(Optional.empty(), OptionalLong.empty());
        }
    }
}
