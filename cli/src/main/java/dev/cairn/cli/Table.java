package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A plain text table: a header row, columns padded to their widest cell, two spaces apart. */
final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(List<String> header) {
        this.header = List.copyOf(header);
    }

    /**
     * How the list commands answer: the server's JSON as it came ({@code --json}), or one row per
     * element of {@code field} and a count line ("(3 platform(s))").
     */
    static int printListing(Console c, boolean json, JsonNode body, String field, List<String> header,
                            Function<JsonNode, List<String>> row, String noun) {
        if (json) {
            c.out().println(body.toString());
            return Exit.OK;
        }
        Table t = new Table(header);
        Json.list(body, field).forEach(element -> t.row(row.apply(element)));
        c.out().print(t.render(c));
        c.out().println("(" + Json.number(body, "count") + " " + noun + "(s))");
        return Exit.OK;
    }

    Table row(List<String> cells) {
        rows.add(List.copyOf(cells));
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    String render(Console console) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], cellOf(row, i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(console.bold(line(header, widths))).append('\n');
        rows.forEach(row -> out.append(line(row, widths)).append('\n'));
        return out.toString();
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String cell = cellOf(cells, i);
            s.append(cell);
            if (i < widths.length - 1) {
                s.append(" ".repeat(widths[i] - cell.length() + 2));
            }
        }
        return s.toString().stripTrailing();
    }

    // Cells are single-line: a newline in a value would break the columns.
    private static String cellOf(List<String> row, int i) {
        return i < row.size() ? row.get(i).replace("\n", "\\n") : "";
    }
}
