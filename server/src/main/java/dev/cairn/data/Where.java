package dev.cairn.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.codec.FieldValues;
import dev.cairn.entity.Entity;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code where} filter (Prisma's syntax, as the Panorama gateway took it) into SQL with bound
 * values: {@code {field: value}} is equality ({@code null}: IS NULL); an object of operators
 * ({@code equals, not, in, notIn, lt, lte, gt, gte, contains, startsWith, endsWith, mode}); on json
 * columns a {@code path} with those operators; {@code AND, OR, NOT}. Strict: an unknown field or
 * operator is {@code 400 invalid_query} naming it. Fields are the entity's shown fields only, so a
 * hidden column cannot be probed through a filter.
 */
final class Where {

    private static final int MAX_DEPTH = 16;
    private static final int MAX_LIST = 1000;
    private static final Set<String> OPERATORS = Set.of("equals", "not", "in", "notIn", "lt", "lte", "gt", "gte",
            "contains", "startsWith", "endsWith", "mode", "path");
    private static final Map<String, String> COMPARISONS = Map.of("lt", " < ", "lte", " <= ", "gt", " > ", "gte", " >= ");

    private final Entity entity;
    private final String alias;
    private final FieldValues values;

    Where(Entity entity, String alias, FieldValues values) {
        this.entity = entity;
        this.alias = alias;
        this.values = values;
    }

    /** The condition, or empty for no filter; the text never starts with a connective. */
    Optional<SqlText> compile(JsonNode where) {
        if (where == null || where.isNull() || where.isMissingNode()) {
            return Optional.empty();
        }
        if (!where.isObject()) {
            throw invalid("where", "where is a JSON object of conditions");
        }
        return where.isEmpty() ? Optional.empty() : Optional.of(all(where, 0));
    }

    /** Every condition of an object, joined by AND. */
    private SqlText all(JsonNode object, int depth) {
        if (depth > MAX_DEPTH) {
            throw invalid("where", "where nests deeper than " + MAX_DEPTH + " levels");
        }
        List<SqlText> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            parts.add(switch (e.getKey()) {
                case "AND" -> join(list(e.getValue(), "AND"), " AND ", "TRUE", depth);
                case "OR" -> join(list(e.getValue(), "OR"), " OR ", "FALSE", depth);
                case "NOT" -> new SqlText().add("NOT ").append(join(list(e.getValue(), "NOT"), " AND ", "TRUE", depth));
                default -> field(e.getKey(), e.getValue());
            });
        }
        if (parts.isEmpty()) {
            return new SqlText().add("TRUE");
        }
        return joinTexts(parts, " AND ");
    }

    private static List<JsonNode> list(JsonNode value, String op) {
        if (value.isObject()) {
            return List.of(value);
        }
        if (!value.isArray()) {
            throw invalid(op, op + " takes an object or an array of objects");
        }
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isObject()) {
                throw invalid(op, op + " takes an object or an array of objects");
            }
            items.add(item);
        }
        return items;
    }

    private SqlText join(List<JsonNode> items, String connective, String empty, int depth) {
        if (items.isEmpty()) {
            return new SqlText().add(empty);
        }
        return joinTexts(items.stream().map(i -> all(i, depth + 1)).toList(), connective);
    }

    private static SqlText joinTexts(List<SqlText> parts, String connective) {
        SqlText s = new SqlText().add("(");
        for (int i = 0; i < parts.size(); i++) {
            if (i > 0) {
                s.add(connective);
            }
            s.append(parts.get(i));
        }
        return s.add(")");
    }

    private SqlText field(String name, JsonNode condition) {
        Entity.Field field = entity.field(name).orElseThrow(() -> invalid(name, "unknown field " + name
                + " in where; " + entity.name() + " has " + entity.fields().stream().map(Entity.Field::name).toList()));
        if (condition.isObject()) {
            return operators(field, condition);
        }
        return equals(field, new SqlText().column(alias, field.column().name()), condition, false);
    }

    private SqlText operators(Entity.Field field, JsonNode ops) {
        List<String> unknown = new ArrayList<>();
        ops.fieldNames().forEachRemaining(k -> {
            if (!OPERATORS.contains(k)) {
                unknown.add(k);
            }
        });
        if (!unknown.isEmpty()) {
            throw invalid(field.name(), "unknown operator " + unknown.get(0) + " on " + field.name() + "; operators: "
                    + new java.util.TreeSet<>(OPERATORS));
        }
        if (ops.isEmpty()) {
            throw invalid(field.name(), "an empty operator object on " + field.name());
        }
        boolean insensitive = mode(field, ops.get("mode"));
        JsonNode path = ops.get("path");
        SqlText target = new SqlText().column(alias, field.column().name());
        boolean text = values.isText(field.column());
        if (path != null) {
            if (!values.isJson(field.column())) {
                throw invalid(field.name(), "path applies to json fields; " + field.name() + " is not one");
            }
            return jsonPath(field, path, ops, insensitive);
        }
        List<SqlText> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ops.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String op = e.getKey();
            JsonNode v = e.getValue();
            // not: null is IS NOT NULL; not: v is NOT (field = v), which (SQL's three-valued logic) leaves out NULL rows
            switch (op) {
                case "mode" -> {
                }
                case "equals" -> parts.add(equals(field, target, v, insensitive));
                case "not" -> parts.add(v.isObject()
                        ? new SqlText().add("NOT ").append(operators(field, v))
                        : v.isNull() ? new SqlText().append(target).add(" IS NOT NULL")
                        : new SqlText().add("NOT (").append(equals(field, target, v, insensitive)).add(")"));
                case "in", "notIn" -> parts.add(in(field, target, v, op.equals("notIn"), insensitive));
                case "lt", "lte", "gt", "gte" -> parts.add(compare(target, field, v, COMPARISONS.get(op)));
                default -> {
                    if (!text) {
                        throw invalid(field.name(), op + " applies to text fields; " + field.name() + " is not one");
                    }
                    parts.add(like(target, field, v, op, insensitive));
                }
            }
        }
        return parts.isEmpty() ? new SqlText().add("TRUE") : joinTexts(parts, " AND ");
    }

    private boolean mode(Entity.Field field, JsonNode mode) {
        if (mode == null) {
            return false;
        }
        if (!mode.isTextual() || !(mode.textValue().equals("insensitive") || mode.textValue().equals("default"))) {
            throw invalid(field.name(), "mode is \"insensitive\" or \"default\"");
        }
        boolean insensitive = mode.textValue().equals("insensitive");
        if (insensitive && !values.isText(field.column())) {
            throw invalid(field.name(), "mode insensitive applies to text fields; " + field.name() + " is not one");
        }
        return insensitive;
    }

    private SqlText equals(Entity.Field field, SqlText target, JsonNode v, boolean insensitive) {
        if (v.isNull()) {
            return new SqlText().append(target).add(" IS NULL");
        }
        String text = bound(field, v);
        if (insensitive) {
            return new SqlText().add("lower(").append(target).add(") = lower(").bind(text).add("::text)");
        }
        return new SqlText().append(target).add(" = ").bind(text);
    }

    private SqlText in(Entity.Field field, SqlText target, JsonNode list, boolean negated, boolean insensitive) {
        if (!list.isArray()) {
            throw invalid(field.name(), (negated ? "notIn" : "in") + " takes an array");
        }
        if (list.size() > MAX_LIST) {
            throw invalid(field.name(), "in lists hold at most " + MAX_LIST + " values");
        }
        if (list.isEmpty()) {
            return new SqlText().add(negated ? "TRUE" : "FALSE");
        }
        SqlText s = new SqlText();
        s.append(insensitive ? new SqlText().add("lower(").append(target).add(")") : target)
                .add(negated ? " NOT IN (" : " IN (");
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).isNull()) {
                throw invalid(field.name(), "in lists hold values, not null (use " + field.name() + ": null)");
            }
            s.add(i == 0 ? "" : ", ");
            if (insensitive) {
                s.add("lower(").bind(bound(field, list.get(i))).add("::text)");
            } else {
                s.bind(bound(field, list.get(i)));
            }
        }
        return s.add(")");
    }

    private SqlText compare(SqlText target, Entity.Field field, JsonNode v, String operator) {
        if (v.isNull() || v.isContainerNode()) {
            throw invalid(field.name(), "comparisons take a value");
        }
        return new SqlText().append(target).add(operator).bind(bound(field, v));
    }

    private static SqlText like(SqlText target, Entity.Field field, JsonNode v, String op, boolean insensitive) {
        if (!v.isTextual()) {
            throw invalid(field.name(), op + " takes a string");
        }
        String escaped = v.textValue().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        String pattern = switch (op) {
            case "contains" -> "%" + escaped + "%";
            case "startsWith" -> escaped + "%";
            default -> "%" + escaped;
        };
        return new SqlText().append(target).add(insensitive ? " ILIKE " : " LIKE ").bind(pattern);
    }

    /** {@code {path: ["a", "b"], equals: 1}}: the value at that path compared as JSON; string operators on its text. */
    private SqlText jsonPath(Entity.Field field, JsonNode path, JsonNode ops, boolean insensitive) {
        if (!path.isArray() || path.isEmpty()) {
            throw invalid(field.name(), "path is a non-empty array of keys");
        }
        StringBuilder literal = new StringBuilder("{");
        for (int i = 0; i < path.size(); i++) {
            if (!path.get(i).isTextual() && !path.get(i).isIntegralNumber()) {
                throw invalid(field.name(), "path holds keys (strings) or array indexes");
            }
            literal.append(i == 0 ? "" : ",").append('"')
                    .append(path.get(i).asText().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        String keys = literal.append('}').toString();
        SqlText json = new SqlText().add("(").column(alias, field.column().name()).add("::jsonb #> ").bind(keys)
                .add("::text[])");
        SqlText text = new SqlText().add("(").column(alias, field.column().name()).add("::jsonb #>> ").bind(keys)
                .add("::text[])");
        List<SqlText> parts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ops.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "path", "mode" -> {
                }
                case "equals" -> parts.add(v.isNull() ? new SqlText().append(json).add(" IS NULL")
                        : new SqlText().append(json).add(" = ").bind(v.toString()).add("::jsonb"));
                case "not" -> parts.add(v.isNull() ? new SqlText().append(json).add(" IS NOT NULL")
                        : new SqlText().add("(").append(json).add(" IS NULL OR ").append(json).add(" <> ")
                        .bind(v.toString()).add("::jsonb)"));
                case "lt", "lte", "gt", "gte" -> {
                    if (v.isNull() || v.isContainerNode()) {
                        throw invalid(field.name(), "comparisons take a value");
                    }
                    parts.add(new SqlText().append(json).add(COMPARISONS.get(e.getKey())).bind(v.toString()).add("::jsonb"));
                }
                case "contains", "startsWith", "endsWith" -> parts.add(like(text, field, v, e.getKey(), insensitive));
                default -> throw invalid(field.name(), e.getKey() + " does not apply to a json path");
            }
        }
        return parts.isEmpty() ? new SqlText().append(json).add(" IS NOT NULL") : joinTexts(parts, " AND ");
    }

    /** The value as text for its column; a bad value in a filter is a bad query, not bad data. */
    private String bound(Entity.Field field, JsonNode v) {
        try {
            return values.text(v, field.column(), field.name()).orElseThrow();
        } catch (CairnException e) {
            throw new CairnException(Problem.of(ErrorCode.INVALID_QUERY, e.getMessage() + " (in where)")
                    .with("field", field.name()), e);
        }
    }

    static CairnException invalid(String field, String message) {
        return new CairnException(Problem.of(ErrorCode.INVALID_QUERY, message).with("field", field));
    }
}
