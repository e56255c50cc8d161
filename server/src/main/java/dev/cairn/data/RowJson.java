package dev.cairn.data;

import dev.cairn.catalog.Tables;
import dev.cairn.entity.Entity;
import java.util.List;

/**
 * A row as JSON, built by PostgreSQL in the statement that reads or writes it: the entity's shown
 * fields under their API names, the synthetic {@code id} of multi-key rows, and included relations
 * (nested as a {@link Shape} asks). PostgreSQL's JSON for each type is the codec here (numbers as numbers, timestamps in
 * ISO-8601, json inline); only {@code bytea} is re-encoded, as base64 like {@code /call} answers it.
 */
final class RowJson {

    /** The characters a URI component keeps as they are ({@code URLEncoder}'s set, which {@code CompositeId} uses). */
    private static final String UNRESERVED = "'^[A-Za-z0-9._*-]*$'";

    private RowJson() {
    }

    /**
     * {@code (SELECT row_to_json(r) FROM (SELECT alias."c" AS "field", ...) r)}: one JSON object per
     * row of {@code alias}, shaped: its fields, and its nested relations to any depth.
     */
    static SqlText object(Entity entity, String alias, Shape shape, EntityPlanner.Scope scope) {
        SqlText s = new SqlText().add("(SELECT row_to_json(r) FROM (SELECT ");
        select(s, entity, alias, shape, scope);
        return s.add(") r)");
    }

    /** The select list of a shaped row: columns, then one subquery per nested relation. */
    private static void select(SqlText s, Entity entity, String alias, Shape shape, EntityPlanner.Scope scope) {
        columns(s, entity, alias, shape.fields(), shape.withId());
        boolean first = shape.fields().isEmpty() && !shape.withId(); // nothing asked for: SELECT with no columns is {}
        int n = 0;
        for (Shape.Nested nested : shape.nested()) {
            s.add(first ? "" : ", ");
            first = false;
            included(s, nested, alias, scope, alias + "_" + n++);
            s.add(" AS ").name(nested.key());
        }
    }

    /** The object without relations, every shown field. */
    static SqlText object(Entity entity, String alias) {
        SqlText s = new SqlText().add("(SELECT row_to_json(r) FROM (SELECT ");
        columns(s, entity, alias, entity.fields(), entity.syntheticId());
        return s.add(") r)");
    }

    private static void columns(SqlText s, Entity entity, String alias, List<Entity.Field> fields, boolean withId) {
        boolean first = true;
        for (Entity.Field f : fields) {
            if (!first) {
                s.add(", ");
            }
            first = false;
            value(s, alias, f.column());
            s.add(" AS ").name(f.name());
        }
        if (withId) {
            s.add(first ? "" : ", ");
            id(s, entity, alias);
            s.add(" AS \"id\"");
            first = false;
        }
    }

    private static void value(SqlText s, String alias, Tables.Column column) {
        if (column.type() == 17) { // bytea: base64 without the line breaks encode() adds
            s.add("translate(encode(").column(alias, column.name()).add(", 'base64'), E'\\n', '')");
        } else {
            s.column(alias, column.name());
        }
    }

    /**
     * The id of {@code alias}'s row as the API shows it: key values as text, each URI-encoded the
     * way {@code CompositeId.format} does, joined by {@code :}. Plain values (the usual case) skip
     * the encoding.
     */
    static SqlText id(SqlText s, Entity entity, String alias) {
        if (entity.key().isEmpty()) {
            return s.add("''");
        }
        s.add(entity.key().size() == 1 ? "(" : "concat_ws(':', ");
        for (int i = 0; i < entity.key().size(); i++) {
            if (i > 0) {
                s.add(", ");
            }
            SqlText text = new SqlText().add("(").column(alias, entity.key().get(i).name()).add(")::text");
            s.add("CASE WHEN ").append(text).add(" ~ ").add(UNRESERVED).add(" THEN ").append(text)
                    .add(" ELSE (SELECT string_agg(CASE WHEN u.ch ~ '[A-Za-z0-9._*-]' THEN u.ch ELSE regexp_replace("
                            + "upper(encode(convert_to(u.ch, 'UTF8'), 'hex')), '(..)', '%\\1', 'g') END, '' ORDER BY u.n)"
                            + " FROM regexp_split_to_table(").append(text).add(", '') WITH ORDINALITY AS u(ch, n)) END");
        }
        return s.add(")");
    }

    /**
     * A related row (to one) or array of rows (to many, filtered, ordered and limited as asked) of
     * {@code alias}'s row; under row tenancy only the request's tenant's rows.
     */
    private static void included(SqlText s, Shape.Nested nested, String alias, EntityPlanner.Scope scope, String inner) {
        Entity.Relation relation = nested.relation();
        Entity target = nested.target();
        SqlText join = new SqlText();
        for (int i = 0; i < relation.columns().size(); i++) {
            join.add(i == 0 ? " WHERE " : " AND ").column(inner, relation.targetColumns().get(i))
                    .add(" = ").column(alias, relation.columns().get(i));
        }
        target.tenantScope().ifPresent(column -> join.add(" AND ").column(inner, column.name()).add(" = ")
                .bind(scope.tenant()));
        SqlText row = new SqlText().add("SELECT ");
        select(row, target, inner, nested.shape(), scope);
        row.add(" FROM ").table(target.table().schema(), target.table().name()).add(" ").add(inner).append(join);
        if (relation.many()) {
            new Where(target, inner, scope.values()).compile(nested.where()).ifPresent(w -> row.add(" AND ").append(w));
            s.add("(SELECT coalesce(json_agg(r), '[]'::json) FROM (").append(row);
            EntityPlanner.orderClause(s, inner, nested.order());
            s.add(" LIMIT " + nested.take() + ") r)");
        } else {
            s.add("(SELECT row_to_json(r) FROM (").append(row).add(" LIMIT 1) r)");
        }
    }
}
