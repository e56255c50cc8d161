package dev.cairn.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.catalog.Tables;
import dev.cairn.codec.FieldValues;
import dev.cairn.codec.ValueWriters.ValueWriter;
import dev.cairn.entity.CompositeId;
import dev.cairn.entity.Entities;
import dev.cairn.entity.Entity;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Plans data-API operations into {@link Query}s, one statement each: a list page with its cursor
 * values (and total), one row by id, and writes whose outbox rows are written by the same
 * statement. Every value is bound; every name comes from the catalog, quoted in one place.
 */
final class EntityPlanner {

    static final String ALIAS = "t0";
    private static final ValueWriter RAW = (g, text) -> g.writeRawValue(text);
    private static final ValueWriter TEXT = (g, text) -> g.writeString(text);
    static final int MAX_CREATE = 1000;

    /**
     * Where a statement runs, as far as planning cares.
     *
     * @param tenant    the request's tenant: forced on rows under row tenancy, recorded in the outbox always
     */
    record Scope(Entities entities, FieldValues values, String tenant) {
    }

    /**
     * A list statement and how to read its rows: column 1 is the row, then one text column per
     * {@code order} column (the cursor of the last row), then the total when counted.
     */
    record ListPlan(Query query, List<Order> order, boolean counted, int take) {
    }

    /** One ORDER BY column. */
    record Order(Tables.Column column, boolean descending) {
    }

    private EntityPlanner() {
    }

    // ---- reads ---------------------------------------------------------------------------------------

    static ListPlan list(Entity entity, ListArgs args, Scope scope) {
        Shape shape = Shape.of(entity, args.select(), args.include(), scope.entities());
        List<Order> order = orderBy(entity, args.orderBy());
        SqlText filter = new SqlText();
        tenantFilter(filter, entity, scope);
        new Where(entity, ALIAS, scope.values()).compile(args.where())
                .ifPresent(w -> filter.add(filter.isEmpty() ? " WHERE " : " AND ").append(w));
        SqlText page = new SqlText().add("SELECT ")
                .append(RowJson.object(entity, ALIAS, shape, scope))
                .add(" AS row");
        for (int i = 0; i < order.size(); i++) {
            page.add(", (").column(ALIAS, order.get(i).column().name()).add(")::text AS c" + i);
        }
        page.add(" FROM ").table(entity.table().schema(), entity.table().name()).add(" " + ALIAS).append(filter);
        args.cursor().ifPresent(token -> page.add(filter.isEmpty() ? " WHERE " : " AND ")
                .append(keyset(order, Cursor.decode(token, order.size()))));
        orderClause(page, ALIAS, order);
        page.add(" LIMIT ").bind(Integer.toString(args.take() + 1)).add(" OFFSET ").bind(Long.toString(args.skip()));
        List<ValueWriter> writers = new ArrayList<>();
        writers.add(RAW);
        writers.addAll(Collections.nCopies(order.size(), TEXT));
        if (!args.count()) {
            return new ListPlan(new Query(page.sql(), page.parameters(), writers, Query.Mode.READ_SET,
                    subject(entity)), order, false, args.take());
        }
        SqlText counted = new SqlText().add("SELECT p.*, c.total FROM (SELECT count(*) AS total FROM ")
                .table(entity.table().schema(), entity.table().name()).add(" " + ALIAS).append(filter)
                .add(") c LEFT JOIN LATERAL (").append(page).add(") p ON true");
        writers.add(TEXT);
        return new ListPlan(new Query(counted.sql(), counted.parameters(), writers, Query.Mode.READ_SET, subject(entity)),
                order, true, args.take());
    }

    static Query get(Entity entity, String rawId, ListArgs args, Scope scope) {
        SqlText s = new SqlText().add("SELECT ")
                .append(RowJson.object(entity, ALIAS, Shape.of(entity, args.select(), args.include(), scope.entities()),
                        scope))
                .add(" FROM ").table(entity.table().schema(), entity.table().name()).add(" " + ALIAS);
        byId(s, entity, rawId, scope);
        return new Query(s.sql(), s.parameters(), List.of(RAW), Query.Mode.SINGLE, subject(entity));
    }

    /**
     * Nearest rows by cosine distance to {@code embedding}: over a {@code real[]} or
     * {@code double precision[]} column in SQL, or pgvector's {@code <=>} on a {@code vector} column.
     * Column 1 is the row, column 2 the distance.
     */
    static Query search(Entity entity, JsonNode body, Scope scope) {
        if (body == null || !body.isObject()) {
            throw invalidBody("a search is {embedding: number[], k?: 1..100, filter?, field?}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!List.of("embedding", "k", "filter", "field").contains(key)) {
                throw invalidBody("unknown key " + key + "; a search takes embedding, k, filter, field");
            }
        }
        JsonNode embedding = body.get("embedding");
        if (embedding == null || !embedding.isArray() || embedding.isEmpty() || embedding.size() > 16_000) {
            throw invalidBody("embedding is a non-empty array of numbers");
        }
        StringBuilder vector = new StringBuilder("{");
        for (JsonNode n : embedding) {
            if (!n.isNumber()) {
                throw invalidBody("embedding is a non-empty array of numbers");
            }
            vector.append(vector.length() > 1 ? "," : "").append(n.numberValue());
        }
        vector.append('}');
        JsonNode kNode = body.get("k");
        int k = kNode == null || kNode.isNull() ? 10 : kNode.canConvertToInt() && kNode.isIntegralNumber() ? kNode.intValue() : -1;
        if (k < 1 || k > 100) {
            throw invalidBody("k is an integer from 1 to 100");
        }
        Entity.Field column = embeddingField(entity, body.get("field"), scope.values());
        boolean pgvector = column.column().sqlType().startsWith("vector");
        SqlText s = new SqlText().add("SELECT ").append(RowJson.object(entity, ALIAS)).add(" AS row, d.distance FROM ")
                .table(entity.table().schema(), entity.table().name()).add(" " + ALIAS);
        if (pgvector) {
            s.add(" CROSS JOIN LATERAL (SELECT (").column(ALIAS, column.column().name()).add(" <=> ")
                    .bind(vector.toString().replace('{', '[').replace('}', ']')).add("::").add(column.column().sqlType())
                    .add(")::float8 AS distance) d");
        } else {
            s.add(" CROSS JOIN LATERAL (SELECT 1 - sum(u.a * u.b) / nullif(sqrt(sum(u.a * u.a)) * sqrt(sum(u.b * u.b)), 0)"
                    + " AS distance FROM unnest(").column(ALIAS, column.column().name()).add("::float8[], ")
                    .bind(vector.toString()).add("::float8[]) AS u(a, b)) d");
        }
        SqlText filter = new SqlText();
        tenantFilter(filter, entity, scope);
        filter.add(filter.isEmpty() ? " WHERE " : " AND ").column(ALIAS, column.column().name()).add(" IS NOT NULL");
        if (!pgvector) {
            filter.add(" AND cardinality(").column(ALIAS, column.column().name()).add(") = ")
                    .bind(Integer.toString(embedding.size()));
        }
        new Where(entity, ALIAS, scope.values()).compile(body.get("filter")).ifPresent(w -> filter.add(" AND ").append(w));
        s.append(filter).add(" ORDER BY d.distance NULLS LAST");
        for (Tables.Column key : entity.key()) {
            s.add(", ").column(ALIAS, key.name());
        }
        s.add(" LIMIT ").bind(Integer.toString(k));
        return new Query(s.sql(), s.parameters(), List.of(RAW, TEXT), Query.Mode.READ_SET, subject(entity));
    }

    private static Entity.Field embeddingField(Entity entity, JsonNode named, FieldValues values) {
        List<Entity.Field> candidates = entity.fields().stream()
                .filter(f -> values.isFloatArray(f.column()) || f.column().sqlType().startsWith("vector")).toList();
        if (named != null && !named.isNull()) {
            Entity.Field f = entity.field(named.asText()).orElseThrow(() -> invalidBody("unknown field " + named.asText()));
            if (!candidates.contains(f)) {
                throw invalidBody("field " + f.name() + " is not an embedding (real[], double precision[] or vector)");
            }
            return f;
        }
        if (candidates.size() != 1) {
            throw invalidBody(candidates.isEmpty()
                    ? entity.name() + " has no embedding column (real[], double precision[] or pgvector vector)"
                    : entity.name() + " has several embedding columns " + candidates.stream().map(Entity.Field::name).toList()
                    + ": name one in field");
        }
        return candidates.get(0);
    }

    // ---- writes --------------------------------------------------------------------------------------

    static Query create(Entity entity, JsonNode data, Operation.Returning returning, Scope scope) {
        writable(entity);
        List<JsonNode> rows = new ArrayList<>();
        if (data != null && data.isArray()) {
            if (data.isEmpty() || data.size() > MAX_CREATE) {
                throw invalidBody("an array creates 1 to " + MAX_CREATE + " rows");
            }
            data.forEach(rows::add);
        } else {
            rows.add(data);
        }
        List<Map<Tables.Column, Optional<String>>> values = new ArrayList<>();
        LinkedHashMap<String, Tables.Column> columns = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<Tables.Column, Optional<String>> row = fields(entity, rows.get(i), scope, rows.size() > 1 ? "[" + i + "]." : "");
            required(entity, row, rows.size() > 1 ? "[" + i + "]." : "");
            row.keySet().forEach(c -> columns.putIfAbsent(c.name(), c));
            values.add(row);
        }
        SqlText s = new SqlText().add("WITH w AS (INSERT INTO ").table(entity.table().schema(), entity.table().name())
                .add(" AS " + ALIAS + " (");
        List<Tables.Column> order = columns.isEmpty() ? List.of(entity.table().columns().get(0)) : List.copyOf(columns.values());
        for (int i = 0; i < order.size(); i++) {
            s.add(i == 0 ? "" : ", ").name(order.get(i).name());
        }
        s.add(") VALUES ");
        for (int r = 0; r < values.size(); r++) {
            s.add(r == 0 ? "(" : ", (");
            for (int i = 0; i < order.size(); i++) {
                s.add(i == 0 ? "" : ", ");
                Optional<String> v = values.get(r).containsKey(order.get(i)) ? values.get(r).get(order.get(i)) : null;
                if (v == null) {
                    s.add("DEFAULT");
                } else {
                    s.bind(v);
                }
            }
            s.add(")");
        }
        s.add(" RETURNING *)");
        return written(s, entity, scope, "created", returning);
    }

    static Query update(Entity entity, String rawId, JsonNode data, Operation.Returning returning, Scope scope) {
        writable(entity);
        Map<Tables.Column, Optional<String>> row = fields(entity, data, scope, "");
        entity.tenant().ifPresent(row::remove); // equal to the request's tenant (else fields() refused it): no change
        Optional<Tables.Column> tenantOnly = entity.tenant().filter(t -> row.isEmpty() && data.has(entity.nameOf(t)));
        if (row.isEmpty() && tenantOnly.isEmpty()) {
            throw invalidBody("an update names at least one field");
        }
        SqlText s = new SqlText().add("WITH w AS (UPDATE ").table(entity.table().schema(), entity.table().name())
                .add(" AS " + ALIAS + " SET ");
        // only the tenant field, unchanged: still an update (it answers the row, writes the outbox)
        tenantOnly.ifPresent(t -> s.name(t.name()).add(" = ").column(ALIAS, t.name()));
        int i = 0;
        for (Map.Entry<Tables.Column, Optional<String>> e : row.entrySet()) {
            s.add(i++ == 0 ? "" : ", ").name(e.getKey().name()).add(" = ").bind(e.getValue());
        }
        byId(s, entity, rawId, scope);
        s.add(" RETURNING " + ALIAS + ".*)");
        return written(s, entity, scope, "updated", returning);
    }

    static Query delete(Entity entity, String rawId, Operation.Returning returning, Scope scope) {
        writable(entity);
        SqlText s = new SqlText().add("WITH w AS (DELETE FROM ").table(entity.table().schema(), entity.table().name())
                .add(" AS " + ALIAS);
        byId(s, entity, rawId, scope);
        s.add(" RETURNING " + ALIAS + ".*)");
        return written(s, entity, scope, "deleted", returning);
    }

    /**
     * The statement's rows as JSON, and one outbox row each in the same statement (so in the same
     * transaction): the entity, the row's id as the API shows it, what happened, the row (before
     * the change for a delete), the tenant. The answer is the row, or the row shaped as the write
     * asked (the outbox always holds the whole row).
     */
    private static Query written(SqlText effect, Entity entity, Scope scope, String type, Operation.Returning returning) {
        SqlText s = effect.add(", j AS (SELECT ").append(RowJson.object(entity, "w")).add(" AS row, ");
        RowJson.id(s, entity, "w");
        s.add(" AS id");
        if (!returning.isAll()) {
            s.add(", ").append(RowJson.object(entity, "w", Shape.of(entity, returning.select(), returning.include(),
                    scope.entities()), scope)).add(" AS shaped");
        }
        s.add(" FROM w), o AS (INSERT INTO cairn.outbox (aggregate_type, aggregate_id, type, payload, tenant)"
                + " SELECT ").bind(entity.name()).add(", j.id, '" + type + "', j.row::jsonb, ").bind(scope.tenant())
                .add(returning.isAll() ? " FROM j) SELECT j.row FROM j" : " FROM j) SELECT j.shaped FROM j");
        return new Query(s.sql(), s.parameters(), List.of(RAW), Query.Mode.SINGLE, subject(entity));
    }

    /** The row's values by column, checked: known, writable fields only; the tenant column forced. */
    private static Map<Tables.Column, Optional<String>> fields(Entity entity, JsonNode data, Scope scope, String at) {
        if (data == null || !data.isObject()) {
            throw invalidBody("the body is a JSON object of fields" + (at.isEmpty() ? "" : " (at " + at + ")"));
        }
        Map<Tables.Column, Optional<String>> row = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = at + e.getKey();
            if (entity.syntheticId() && e.getKey().equals("id")) {
                continue; // the composite id a client read back: it says nothing the key fields do not
            }
            Entity.Field field = entity.field(e.getKey()).orElseThrow(() -> FieldValues.invalid(name,
                    "is not a field of " + entity.name() + "; its fields are "
                            + entity.fields().stream().map(Entity.Field::name).toList()));
            if (entity.tenant().filter(t -> t.name().equals(field.column().name())).isPresent()) {
                if (!e.getValue().isNull() && !(e.getValue().isTextual() && e.getValue().textValue().equals(scope.tenant()))) {
                    throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "field " + name
                            + " holds the tenant; it is " + scope.tenant() + " for this request and cannot be changed")
                            .with("field", name));
                }
                continue;
            }
            if (!field.writable()) {
                throw FieldValues.invalid(name, field.column().generated() ? "is generated: it cannot be written"
                        : field.column().identity() == Tables.Identity.ALWAYS ? "is an identity: it cannot be written"
                        : "is read-only");
            }
            row.put(field.column(), scope.values().text(e.getValue(), field.column(), name));
        }
        entity.tenant().ifPresent(t -> row.put(t, Optional.of(scope.tenant())));
        return row;
    }

    private static void required(Entity entity, Map<Tables.Column, Optional<String>> row, String at) {
        for (Tables.Column c : entity.table().columns()) {
            if (c.required() && (!row.containsKey(c) || row.get(c).isEmpty())) {
                throw FieldValues.invalid(at + entity.nameOf(c), "is required");
            }
        }
        for (Map.Entry<Tables.Column, Optional<String>> e : row.entrySet()) {
            if (e.getKey().notNull() && e.getValue().isEmpty()) {
                throw FieldValues.invalid(at + entity.nameOf(e.getKey()), "cannot be null");
            }
        }
    }

    private static void writable(Entity entity) {
        if (entity.readOnly()) {
            throw new CairnException(Problem.of(ErrorCode.FORBIDDEN, "entity " + entity.name() + " is read-only")
                    .with("entity", entity.name()));
        }
    }

    // ---- shared pieces -------------------------------------------------------------------------------

    /** {@code WHERE key = ... [AND tenant = ...]} for one row by its id. */
    private static void byId(SqlText s, Entity entity, String rawId, Scope scope) {
        List<String> values = CompositeId.parse(rawId, entity);
        for (int i = 0; i < values.size(); i++) {
            Tables.Column column = entity.key().get(i);
            String field = entity.key().size() == 1 ? "id" : entity.nameOf(column);
            s.add(i == 0 ? " WHERE " : " AND ").column(ALIAS, column.name()).add(" = ")
                    .bind(scope.values().keyText(values.get(i), column, field));
        }
        entity.tenantScope().ifPresent(t -> s.add(" AND ").column(ALIAS, t.name()).add(" = ").bind(scope.tenant()));
    }

    private static void tenantFilter(SqlText filter, Entity entity, Scope scope) {
        entity.tenantScope().ifPresent(t -> filter.add(" WHERE ").column(ALIAS, t.name()).add(" = ").bind(scope.tenant()));
    }

    /** The requested order, then the primary key (so pages are stable and a cursor is exact). */
    static List<Order> orderBy(Entity entity, JsonNode orderBy) {
        List<Order> order = new ArrayList<>();
        if (orderBy != null && !orderBy.isMissingNode() && !orderBy.isNull()) {
            List<JsonNode> items = new ArrayList<>();
            if (orderBy.isArray()) {
                orderBy.forEach(items::add);
            } else {
                items.add(orderBy);
            }
            for (JsonNode item : items) {
                if (!item.isObject()) {
                    throw ListArgs.invalid("orderBy", "orderBy is {\"field\": \"asc\"|\"desc\"} or an array of those");
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    Entity.Field f = entity.field(e.getKey()).orElseThrow(() -> ListArgs.invalid("orderBy",
                            "unknown field " + e.getKey() + " in orderBy; " + entity.name() + " has "
                                    + entity.fields().stream().map(Entity.Field::name).toList()));
                    String dir = e.getValue().asText("");
                    if (!e.getValue().isTextual() || !(dir.equals("asc") || dir.equals("desc"))) {
                        throw ListArgs.invalid("orderBy", "orderBy direction is \"asc\" or \"desc\" (" + e.getKey() + ")");
                    }
                    if (order.stream().noneMatch(o -> o.column().equals(f.column()))) {
                        order.add(new Order(f.column(), dir.equals("desc")));
                    }
                }
            }
        }
        for (Tables.Column key : entity.key()) {
            if (order.stream().noneMatch(o -> o.column().equals(key))) {
                order.add(new Order(key, false));
            }
        }
        return order;
    }

    static void orderClause(SqlText s, String alias, List<Order> order) {
        for (int i = 0; i < order.size(); i++) {
            s.add(i == 0 ? " ORDER BY " : ", ").column(alias, order.get(i).column().name())
                    .add(order.get(i).descending() ? " DESC" : " ASC");
        }
    }

    /**
     * Rows strictly after the cursor's row in this order: for columns c1..cn,
     * {@code (c1 after v1) OR (c1 = v1 AND c2 after v2) OR ...}, where "after" respects the
     * direction and where PostgreSQL puts NULLs (last ascending, first descending).
     */
    private static SqlText keyset(List<Order> order, List<Optional<String>> values) {
        if (order.isEmpty()) {
            throw ListArgs.invalid("cursor", "this entity has no primary key, so it has no cursor; use skip");
        }
        SqlText s = new SqlText().add("(");
        for (int i = 0; i < order.size(); i++) {
            s.add(i == 0 ? "(" : " OR (");
            for (int j = 0; j < i; j++) {
                equal(s, order.get(j), values.get(j));
                s.add(" AND ");
            }
            after(s, order.get(i), values.get(i));
            s.add(")");
        }
        return s.add(")");
    }

    private static void equal(SqlText s, Order o, Optional<String> v) {
        if (v.isEmpty()) {
            s.column(ALIAS, o.column().name()).add(" IS NULL");
        } else {
            s.column(ALIAS, o.column().name()).add(" = ").bind(v);
        }
    }

    private static void after(SqlText s, Order o, Optional<String> v) {
        if (o.descending()) {
            if (v.isEmpty()) {
                s.column(ALIAS, o.column().name()).add(" IS NOT NULL");
            } else {
                s.column(ALIAS, o.column().name()).add(" < ").bind(v);
            }
        } else if (v.isEmpty()) {
            s.add("false");
        } else {
            s.add("(").column(ALIAS, o.column().name()).add(" > ").bind(v).add(" OR ")
                    .column(ALIAS, o.column().name()).add(" IS NULL)");
        }
    }

    private static Query.Subject subject(Entity entity) {
        return new Query.Subject("entity", entity.name());
    }

    static CairnException invalidBody(String message) {
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, message));
    }
}
