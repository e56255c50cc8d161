package dev.cairn.data;

import dev.cairn.catalog.Tables;
import dev.cairn.entity.Entities;
import dev.cairn.entity.Entity;
import java.util.List;
import java.util.Optional;

/**
 * A row as JSON, built by PostgreSQL in the statement that reads or writes it: the entity's shown
 * fields under their API names, the synthetic {@code id} of multi-key rows, and included relations
 * (one level). PostgreSQL's JSON for each type is the codec here (numbers as numbers, timestamps in
 * ISO-8601, json inline); only {@code bytea} is re-encoded, as base64 like {@code /call} answers it.
 */
final class RowJson {

    /** The characters a URI component keeps as they are ({@code URLEncoder}'s set, which {@code CompositeId} uses). */
    private static final String UNRESERVED = "'^[A-Za-z0-9._*-]*$'";
    private static final int MAX_INCLUDED = 1000;

    private RowJson() {
    }

    /**
     * {@code (SELECT row_to_json(r) FROM (SELECT alias."c" AS "field", ...) r)}: one JSON object per
     * row of {@code alias}.
     *
     * @param fields   the fields to show (a {@code select}, or all)
     * @param includes relations to nest; their rows are scoped to {@code tenant} under row tenancy
     */
    static SqlText object(Entity entity, String alias, List<Entity.Field> fields, boolean withId,
                          List<Entity.Relation> includes, Entities entities, Optional<String> tenant) {
        SqlText s = new SqlText().add("(SELECT row_to_json(r) FROM (SELECT ");
        columns(s, entity, alias, fields, withId);
        int n = 0;
        for (Entity.Relation relation : includes) {
            s.add(", ");
            included(s, relation, alias, entities.require(relation.target()), entities, tenant, "i" + alias + n++);
            s.add(" AS ").name(relation.name());
        }
        return s.add(") r)");
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

    /** A related row (to one) or array of rows (to many) of {@code alias}'s row. */
    private static void included(SqlText s, Entity.Relation relation, String alias, Entity target, Entities entities,
                                 Optional<String> tenant, String inner) {
        SqlText join = new SqlText();
        for (int i = 0; i < relation.columns().size(); i++) {
            join.add(i == 0 ? " WHERE " : " AND ").column(inner, relation.targetColumns().get(i))
                    .add(" = ").column(alias, relation.columns().get(i));
        }
        target.tenantScope().ifPresent(column -> join.add(" AND ").column(inner, column.name()).add(" = ")
                .bind(tenant.orElseThrow()));
        SqlText row = new SqlText().add("SELECT ");
        columns(row, target, inner, target.fields(), target.syntheticId());
        row.add(" FROM ").table(target.table().schema(), target.table().name()).add(" ").add(inner).append(join);
        if (relation.many()) {
            s.add("(SELECT coalesce(json_agg(r), '[]'::json) FROM (").append(row);
            orderByKey(s, target, inner);
            s.add(" LIMIT " + MAX_INCLUDED + ") r)");
        } else {
            s.add("(SELECT row_to_json(r) FROM (").append(row).add(" LIMIT 1) r)");
        }
    }

    private static void orderByKey(SqlText s, Entity entity, String alias) {
        for (int i = 0; i < entity.key().size(); i++) {
            s.add(i == 0 ? " ORDER BY " : ", ").column(alias, entity.key().get(i).name());
        }
    }
}
