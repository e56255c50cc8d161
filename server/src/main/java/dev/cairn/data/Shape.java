package dev.cairn.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cairn.entity.Entities;
import dev.cairn.entity.Entity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What of a row a read (or a write's answer) shows: its fields, the synthetic id, and related rows
 * nested to any depth, each level with its own fields, filter, order and limit. The data API reads
 * one from {@code select} and {@code include}; the GraphQL face writes the same JSON from a
 * selection set. One statement reads the whole tree ({@link RowJson}).
 *
 * <p>{@code include} maps a key to {@code true} (every field of the relation of that name) or to
 * {@code {relation?, select?, include?, where?, orderBy?, take?}}; {@code relation} defaults to the
 * key, so one relation can be included twice under two keys. An empty {@code select} shows no
 * fields (only what is included).
 */
record Shape(List<Entity.Field> fields, boolean withId, List<Nested> nested) {

    /** How deep includes nest (the GraphQL face's depth limit stops a request earlier). */
    static final int MAX_DEPTH = 8;
    /** Related rows one to-many include shows at most. */
    static final int MAX_INCLUDED = 1000;
    private static final Set<String> INCLUDE_KEYS = Set.of("relation", "select", "include", "where", "orderBy", "take");

    Shape {
        fields = List.copyOf(fields);
        nested = List.copyOf(nested);
    }

    /**
     * Related rows under {@code key}: one object (to one) or an array (to many, with its filter,
     * order and limit).
     */
    record Nested(String key, Entity.Relation relation, Entity target, Shape shape, JsonNode where,
                  List<EntityPlanner.Order> order, int take) {
    }

    /** Every shown field, the synthetic id, nothing nested. */
    static Shape all(Entity entity) {
        return new Shape(entity.fields(), entity.syntheticId(), List.of());
    }

    static Shape of(Entity entity, JsonNode select, JsonNode include, Entities entities) {
        return of(entity, select, include, entities, 0, "");
    }

    private static Shape of(Entity entity, JsonNode select, JsonNode include, Entities entities, int depth, String at) {
        List<Entity.Field> fields = select(entity, select, at);
        List<Nested> nested = include(entity, include, entities, depth, at);
        Set<String> keys = new HashSet<>();
        fields.forEach(f -> keys.add(f.name()));
        for (Nested n : nested) {
            if (!keys.add(n.key())) {
                throw ListArgs.invalid(at + "include", "include key " + n.key() + " is also a field of "
                        + entity.name() + "; include it under another key with {\"relation\": \"" + n.relation().name() + "\"}");
            }
        }
        return new Shape(fields, withId(entity, select), nested);
    }

    private static List<Entity.Field> select(Entity entity, JsonNode select, String at) {
        if (absent(select)) {
            return entity.fields();
        }
        if (!select.isObject()) {
            throw ListArgs.invalid(at + "select", "select is an object of fields, e.g. {\"userId\": true}");
        }
        List<String> chosen = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = select.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isBoolean()) {
                throw ListArgs.invalid(at + "select", "select values are true or false (" + e.getKey() + ")");
            }
            boolean id = entity.syntheticId() && e.getKey().equals("id");
            if (!id && entity.field(e.getKey()).isEmpty()) {
                throw ListArgs.invalid(at + "select", "unknown field " + e.getKey() + " in select; " + entity.name()
                        + " has " + entity.fields().stream().map(Entity.Field::name).toList());
            }
            if (e.getValue().booleanValue()) {
                chosen.add(e.getKey());
            }
        }
        return entity.fields().stream().filter(f -> chosen.contains(f.name())).toList();
    }

    private static boolean withId(Entity entity, JsonNode select) {
        if (!entity.syntheticId()) {
            return false;
        }
        return absent(select) || (select.get("id") != null && select.get("id").asBoolean(false));
    }

    private static List<Nested> include(Entity entity, JsonNode include, Entities entities, int depth, String at) {
        if (absent(include)) {
            return List.of();
        }
        if (!include.isObject()) {
            throw ListArgs.invalid(at + "include", "include is an object of relations, e.g. {\"messages\": true}");
        }
        if (depth >= MAX_DEPTH) {
            throw ListArgs.invalid(at + "include", "includes nest at most " + MAX_DEPTH + " levels deep");
        }
        List<Nested> nested = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = include.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode spec = e.getValue();
            if (spec.isBoolean()) {
                if (spec.booleanValue()) {
                    Entity.Relation relation = relation(entity, e.getKey(), at);
                    Entity target = entities.require(relation.target());
                    nested.add(new Nested(e.getKey(), relation, target, all(target), MissingNode.getInstance(),
                            EntityPlanner.orderBy(target, MissingNode.getInstance()), MAX_INCLUDED));
                }
                continue;
            }
            if (!spec.isObject()) {
                throw ListArgs.invalid(at + "include", "include values are true, false or an object {relation?, select?,"
                        + " include?, where?, orderBy?, take?} (" + e.getKey() + ")");
            }
            spec.fieldNames().forEachRemaining(k -> {
                if (!INCLUDE_KEYS.contains(k)) {
                    throw ListArgs.invalid(at + "include", "unknown key " + k + " in include " + e.getKey() + "; known: "
                            + new java.util.TreeSet<>(INCLUDE_KEYS));
                }
            });
            JsonNode named = spec.path("relation");
            if (!named.isMissingNode() && !named.isTextual()) {
                throw ListArgs.invalid(at + "include", "relation is a relation's name (" + e.getKey() + ")");
            }
            Entity.Relation relation = relation(entity, named.isTextual() ? named.textValue() : e.getKey(), at);
            Entity target = entities.require(relation.target());
            String inner = at + "include." + e.getKey() + ".";
            nested.add(new Nested(e.getKey(), relation, target,
                    of(target, spec.path("select"), spec.path("include"), entities, depth + 1, inner),
                    spec.path("where"), EntityPlanner.orderBy(target, spec.path("orderBy")), take(spec.path("take"), inner)));
        }
        return nested;
    }

    private static Entity.Relation relation(Entity entity, String name, String at) {
        return entity.relation(name).orElseThrow(() -> ListArgs.invalid(at + "include", "unknown relation " + name
                + " in include; " + entity.name() + " has " + entity.relations().stream().map(Entity.Relation::name).toList()));
    }

    private static int take(JsonNode take, String at) {
        if (take.isMissingNode() || take.isNull()) {
            return MAX_INCLUDED;
        }
        if (!take.isIntegralNumber() || take.longValue() < 0 || take.longValue() > MAX_INCLUDED) {
            throw ListArgs.invalid(at + "take", "take is between 0 and " + MAX_INCLUDED);
        }
        return take.intValue();
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull();
    }
}
