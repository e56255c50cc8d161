package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A migrate plan as a table: the server's {@code schema_validation} ({@code safe_changes},
 * {@code dataloss_changes}, {@code incompatible_changes}, items as {@code SchemaChange.wire()}).
 */
final class Plans {

    private static final List<String> GROUPS = List.of("safe_changes", "dataloss_changes", "incompatible_changes");

    private Plans() {
    }

    static List<JsonNode> changes(JsonNode validation) {
        List<JsonNode> out = new ArrayList<>();
        GROUPS.forEach(g -> out.addAll(Json.list(validation, g)));
        return out;
    }

    static Table table(List<JsonNode> changes) {
        Table t = new Table(List.of("CLASS", "CHANGE", "TABLE", "COLUMN", "FROM -> TO", "ALLOW"));
        for (JsonNode c : changes) {
            String from = Json.text(c, "from_type");
            String to = Json.text(c, "to_type");
            String types = from.isEmpty() && to.isEmpty() ? "" : (from.isEmpty() ? "-" : from) + " -> "
                    + (to.isEmpty() ? "-" : to);
            t.row(List.of(className(Json.text(c, "compatibility")), Json.text(c, "change_type"),
                    Json.text(c, "table"), Json.text(c, "column"), types, Json.text(c, "allow")));
        }
        return t;
    }

    /** The table, or a line saying there is nothing to change. */
    static String render(JsonNode validation, Console console) {
        List<JsonNode> changes = changes(validation);
        return changes.isEmpty() ? "no table changes\n" : table(changes).render(console);
    }

    private static String className(String compatibility) {
        return switch (compatibility) {
            case "dataloss" -> "data-loss";
            default -> compatibility;
        };
    }
}
