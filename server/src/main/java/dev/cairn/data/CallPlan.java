package dev.cairn.data;

import dev.cairn.catalog.Routine;
import java.util.List;
import java.util.Optional;

/**
 * A resolved call: which routine, the SQL (with a bound parameter per value), the values as
 * PostgreSQL text ({@link Optional#empty()} is NULL) and a writer per result column.
 */
record CallPlan(Routine routine, String sql, List<Optional<String>> values, List<ValueWriters.ValueWriter> writers) {

    CallPlan {
        values = List.copyOf(values);
        writers = List.copyOf(writers);
    }
}
