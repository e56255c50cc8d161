package dev.cairn.graphql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.data.Idempotency;
import dev.cairn.data.JsonRows;
import dev.cairn.data.ListArgs;
import dev.cairn.data.Operation;
import dev.cairn.data.PageSink;
import dev.cairn.data.Pipeline;
import dev.cairn.data.Request;
import dev.cairn.data.Target;
import dev.cairn.entity.CompositeId;
import dev.cairn.entity.Entities;
import dev.cairn.entity.Entity;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.identity.Principal;
import dev.cairn.upstream.Playbooks;
import graphql.normalized.ExecutableNormalizedField;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A request's root fields as pipeline operations: each query field is one read (its nested
 * relations inside the same statement, as a {@code Shape} the data API's planner reads) or one
 * function call; a request's mutations are one write, in one transaction, with the request's
 * idempotency key. What they answer is kept in {@link Prefetched} for execution to shape.
 */
final class Roots {

    /** Rows as PostgreSQL wrote them, numbers kept exact. */
    static final ObjectMapper ROWS = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Pipeline pipeline;
    private final Supplier<Principal> principal;
    private final Target target;
    private final Entities entities;
    private final Playbooks playbooks;
    private final String platform;

    private final Arguments arguments;

    Roots(Pipeline pipeline, Supplier<Principal> principal, Target target, String platform, Entities entities,
          Playbooks playbooks, Arguments arguments) {
        this.arguments = arguments;
        this.pipeline = pipeline;
        this.principal = principal;
        this.target = target;
        this.platform = platform;
        this.entities = entities;
        this.playbooks = playbooks;
    }

    private Playbooks.Scope scope() {
        return new Playbooks.Scope(principal.get(), platform, entities.settings());
    }

    // ---- queries -------------------------------------------------------------------------------------

    /** Each root field read on its own; one field's failure is its own error, the others still answer. */
    Prefetched query(List<ExecutableNormalizedField> fields, Map<String, SchemaFactory.Root> roots) {
        Prefetched out = new Prefetched();
        for (ExecutableNormalizedField field : fields) {
            SchemaFactory.Root root = roots.get(field.getName());
            if (root == null) {
                continue; // __typename and introspection: GraphQL answers them itself
            }
            try {
                out.put(field.getResultKey(), read(field, root));
                out.ran(1);
            } catch (CairnException e) {
                out.fail(field.getResultKey(), e);
            }
        }
        return out;
    }

    private Object read(ExecutableNormalizedField field, SchemaFactory.Root root) {
        Map<String, Object> args = arguments.of(field);
        return switch (root) {
            case SchemaFactory.Rows rows when rows.entity() == null -> null;
            case SchemaFactory.Rows rows -> list(field, rows, args);
            case SchemaFactory.ByKey byKey -> byKey(field, byKey, args);
            case SchemaFactory.Function function -> {
                JsonRows sink = new JsonRows();
                pipeline.call(new Request(principal, target, call(function, args)), sink);
                yield shaped(function, sink.rows());
            }
            case SchemaFactory.ExecutionById byId -> playbooks.execution(scope(), String.valueOf(args.get("id")))
                    .map(Roots::plain).orElse(null);
            default -> throw new IllegalStateException("not a query field: " + field.getName());
        };
    }

    private Object list(ExecutableNormalizedField field, SchemaFactory.Rows rows, Map<String, Object> args) {
        ExecutableNormalizedField shapeOf = field;
        boolean count = false;
        if (rows.page()) {
            shapeOf = null;
            for (ExecutableNormalizedField child : field.getChildren()) {
                if (child.getName().equals("data")) {
                    shapeOf = child;
                }
                count |= child.getName().equals("total");
            }
        }
        Page page = readList(shapeOf, rows.entity(), args, count);
        List<Object> parsed = page.rows.stream().map(Roots::parseRow).toList();
        if (!rows.page()) {
            return parsed;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("data", parsed);
        answer.put("nextCursor", page.next.orElse(null));
        answer.put("total", page.total.isPresent() ? page.total.getAsLong() : null);
        return answer;
    }

    private Object byKey(ExecutableNormalizedField field, SchemaFactory.ByKey byKey, Map<String, Object> args) {
        return readByKey(field, byKey, args).map(Roots::parseRow).orElse(null);
    }

    /**
     * A list read, its rows as PostgreSQL wrote them, shaped by {@code shapeOf}'s selection (none
     * selected: {@code null}), with where the next page starts and the total when {@code count}.
     */
    private Page readList(ExecutableNormalizedField shapeOf, Entity entity, Map<String, Object> args, boolean count) {
        Selection selection = shapeOf == null ? Selection.NONE : selection(shapeOf, entity);
        ListArgs list = ListArgs.of(tree(args.get("where")), tree(args.get("orderBy")), selection.select(),
                selection.include(), number(args.get("take"), ListArgs.DEFAULT_TAKE), number(args.get("skip"), 0),
                Optional.ofNullable((String) args.get("cursor")), count);
        Page page = new Page();
        pipeline.read(new Request(principal, target, new Operation.ListRows(entity.name(), list)), page);
        return page;
    }

    /** A by-key read, its row as PostgreSQL wrote it; empty when there is no such row. */
    private Optional<String> readByKey(ExecutableNormalizedField field, SchemaFactory.ByKey byKey,
                                       Map<String, Object> args) {
        Selection selection = selection(field, byKey.entity());
        ListArgs get = ListArgs.of(MissingNode.getInstance(), MissingNode.getInstance(), selection.select(),
                selection.include(), 1, 0, Optional.empty(), false);
        Page page = new Page();
        try {
            pipeline.read(new Request(principal, target, new Operation.GetRow(byKey.entity().name(),
                    id(byKey.keyArguments(), args), get)), page);
        } catch (CairnException e) {
            if (e.code() == ErrorCode.RECORD_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        return page.rows.stream().findFirst();
    }

    /**
     * Whether a query's root fields can all be answered as PostgreSQL wrote their rows
     * ({@link RawRows}): lists and by-key reads whose selections hold plain fields and relations.
     */
    static boolean copyable(List<ExecutableNormalizedField> fields, Map<String, SchemaFactory.Root> roots) {
        for (ExecutableNormalizedField field : fields) {
            boolean read = switch (roots.get(field.getName())) {
                case SchemaFactory.Rows rows -> rows.entity() != null && !rows.page();
                case SchemaFactory.ByKey byKey -> true;
                case null, default -> false;
            };
            if (!read || !RawRows.copyable(field)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The same reads as {@link #query}, each root field's answer kept as the JSON text GraphQL
     * answers (see {@link #copyable}); a field that fails is kept as its error.
     */
    Prefetched queryRaw(List<ExecutableNormalizedField> fields, Map<String, SchemaFactory.Root> roots) {
        Prefetched out = new Prefetched();
        for (ExecutableNormalizedField field : fields) {
            try {
                StringBuilder json = new StringBuilder(256);
                Map<String, Object> args = arguments.of(field);
                switch (roots.get(field.getName())) {
                    case SchemaFactory.Rows rows -> RawRows.array(readList(field, rows.entity(), args, false).rows,
                            field, json);
                    case SchemaFactory.ByKey byKey -> readByKey(field, byKey, args).ifPresentOrElse(
                            row -> RawRows.object(row, field, json), () -> json.append("null"));
                    default -> throw new IllegalStateException("not a copyable field: " + field.getName());
                }
                out.putRaw(field.getResultKey(), json.toString());
                out.ran(1);
            } catch (CairnException e) {
                out.fail(field.getResultKey(), e);
            }
        }
        return out;
    }

    // ---- mutations -----------------------------------------------------------------------------------

    /**
     * Every mutation of the request in one transaction: all take effect or none. On failure the field
     * that failed carries the error and the others answer null.
     */
    Prefetched mutate(List<ExecutableNormalizedField> fields, Map<String, SchemaFactory.Root> roots,
                      Supplier<Optional<Idempotency.Key>> key) {
        if (fields.stream().anyMatch(f -> roots.get(f.getName()) instanceof SchemaFactory.ExecutePlaybook)) {
            return startPlaybooks(fields, roots, key);
        }
        Prefetched out = new Prefetched();
        List<ExecutableNormalizedField> run = new ArrayList<>();
        List<Operation> ops = new ArrayList<>();
        for (ExecutableNormalizedField field : fields) {
            SchemaFactory.Root root = roots.get(field.getName());
            if (root != null) {
                run.add(field);
                ops.add(operation(field, root));
            }
        }
        if (ops.isEmpty()) {
            return out;
        }
        Operation op = ops.size() == 1 ? ops.getFirst() : new Operation.Transact(ops);
        Pipeline.Written written;
        try {
            written = pipeline.write(new Request(principal, target, op), key.get(), Roots::answer);
        } catch (CairnException e) {
            Object index = e.problem().fields().get("op");
            int failed = index instanceof Number n ? n.intValue() : 0;
            out.fail(run.get(Math.min(failed, run.size() - 1)).getResultKey(), e);
            return out;
        }
        if (!written.replay()) {
            out.ran(ops.size());
        }
        List<List<Object>> results = parse(written.answer().body());
        for (int i = 0; i < run.size(); i++) {
            ExecutableNormalizedField field = run.get(i);
            out.put(field.getResultKey(), mutated(roots.get(field.getName()), results.get(i)));
        }
        return out;
    }

    /**
     * Playbook starts, in order; each on its own (a workflow server is no part of a database
     * transaction, so they never share a request with data mutations). The idempotency key, with
     * the field's position, makes a retried request replay its starts instead of running them again.
     */
    private Prefetched startPlaybooks(List<ExecutableNormalizedField> fields, Map<String, SchemaFactory.Root> roots,
                                      Supplier<Optional<Idempotency.Key>> key) {
        Prefetched out = new Prefetched();
        boolean mixed = fields.stream().map(f -> roots.get(f.getName()))
                .anyMatch(r -> r != null && !(r instanceof SchemaFactory.ExecutePlaybook));
        Optional<String> idempotency = key.get().map(Idempotency.Key::key);
        for (int i = 0; i < fields.size(); i++) {
            ExecutableNormalizedField field = fields.get(i);
            if (roots.get(field.getName()) == null) {
                continue;
            }
            try {
                if (mixed) {
                    throw CairnException.of(ErrorCode.INVALID_QUERY, "executePlaybook runs in a request of its own:"
                            + " a workflow server cannot share the data mutations' transaction");
                }
                Map<String, Object> args = arguments.of(field);
                int position = i;
                out.put(field.getResultKey(), plain(playbooks.execute(scope(), String.valueOf(args.get("name")),
                        tree(args.get("variables")), Optional.ofNullable((String) args.get("clientId")),
                        idempotency.map(k -> position == 0 ? k : k + "#" + position))));
            } catch (CairnException e) {
                out.fail(field.getResultKey(), e);
            }
        }
        return out;
    }

    /** An upstream answer as GraphQL's default fetchers read it: maps and lists. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> plain(JsonNode node) {
        return ROWS.convertValue(node, Map.class);
    }

    private Operation operation(ExecutableNormalizedField field, SchemaFactory.Root root) {
        Map<String, Object> args = arguments.of(field);
        return switch (root) {
            case SchemaFactory.Create create -> new Operation.CreateRows(create.entity().name(), tree(args.get("data")),
                    returning(field, create.entity()));
            case SchemaFactory.Update update -> new Operation.UpdateRow(update.entity().name(),
                    id(update.keyArguments(), args), tree(args.get("data")), returning(field, update.entity()));
            case SchemaFactory.Delete delete -> new Operation.DeleteRow(delete.entity().name(),
                    id(delete.keyArguments(), args), returning(field, delete.entity()));
            case SchemaFactory.Function function -> call(function, args);
            default -> throw new IllegalStateException("not a mutation field: " + field.getName());
        };
    }

    private Object mutated(SchemaFactory.Root root, List<Object> rows) {
        return switch (root) {
            case SchemaFactory.Create create when create.many() -> rows;
            case SchemaFactory.Function function -> shapedRows(function, rows);
            default -> rows.isEmpty() ? null : rows.getFirst();
        };
    }

    /** The transaction's answer, kept with the idempotency key: each op's rows, in order. */
    private static Idempotency.Answer answer(List<List<String>> results) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < results.size(); i++) {
            body.append(i == 0 ? "[" : ",[").append(String.join(",", results.get(i))).append(']');
        }
        return new Idempotency.Answer(200, Map.of("content-type", "application/json"),
                body.append(']').toString().getBytes(StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static List<List<Object>> parse(byte[] body) {
        try {
            return ROWS.readValue(body, List.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- functions -----------------------------------------------------------------------------------

    private static Operation.DataCall call(SchemaFactory.Function function, Map<String, Object> args) {
        ObjectNode params = JSON.objectNode();
        for (String name : function.arguments()) {
            if (args.containsKey(name)) {
                params.set(name, tree(args.get(name)));
            }
        }
        return new Operation.DataCall(function.function(), params);
    }

    private static Object shaped(SchemaFactory.Function function, List<String> rows) {
        List<Object> parsed = new ArrayList<>();
        for (String row : rows) {
            parsed.add(parseRow(row));
        }
        return shapedRows(function, parsed);
    }

    /** A function's rows as its field's type: a value, rows of columns, a list of either, or true for void. */
    private static Object shapedRows(SchemaFactory.Function function, List<Object> rows) {
        if (function.routine().returnsVoid() || function.routine().columns().isEmpty()) {
            return true;
        }
        List<Object> values = function.scalar()
                ? rows.stream().map(r -> (Object) ((Map<?, ?>) r).get(function.routine().columns().getFirst().name())).toList()
                : rows;
        if (function.routine().returnsSet()) {
            return values;
        }
        return values.isEmpty() ? null : values.getFirst();
    }

    // ---- shapes --------------------------------------------------------------------------------------

    /** The data API's {@code select} and {@code include} for a field's selection. */
    record Selection(JsonNode select, JsonNode include) {
        static final Selection NONE = new Selection(JSON.objectNode(), MissingNode.getInstance());
    }

    /**
     * Scalars become {@code select}; relations {@code include} entries keyed by their result key
     * (so one relation can be asked twice with different arguments), nested to any depth.
     */
    private Selection selection(ExecutableNormalizedField field, Entity entity) {
        ObjectNode select = JSON.objectNode();
        ObjectNode include = JSON.objectNode();
        for (ExecutableNormalizedField child : field.getChildren()) {
            String name = child.getName();
            if (name.startsWith("__")) {
                continue;
            }
            if (entity.field(name).isPresent() || (name.equals("id") && entity.syntheticId())) {
                select.put(name, true);
                continue;
            }
            Entity.Relation relation = entity.relation(name).orElseThrow(() ->
                    new IllegalStateException("no field or relation " + name + " on " + entity.name()));
            Entity target = entities.require(relation.target());
            Selection nested = selection(child, target);
            ObjectNode spec = include.putObject(SchemaFactory.RELATION_KEY + child.getResultKey());
            spec.put("relation", name);
            spec.set("select", nested.select());
            if (!nested.include().isMissingNode()) {
                spec.set("include", nested.include());
            }
            if (relation.many()) {
                Map<String, Object> args = arguments.of(child);
                putIf(spec, "where", tree(args.get("where")));
                putIf(spec, "orderBy", tree(args.get("orderBy")));
                spec.put("take", number(args.get("take"), SchemaFactory.DEFAULT_NESTED_TAKE));
            }
        }
        return new Selection(select, include.isEmpty() ? MissingNode.getInstance() : include);
    }

    /** A write answers with the rows it wrote, shaped like a read of them. */
    private Operation.Returning returning(ExecutableNormalizedField field, Entity entity) {
        Selection selection = selection(field, entity);
        return new Operation.Returning(selection.select(), selection.include());
    }

    private static void putIf(ObjectNode spec, String key, JsonNode value) {
        if (!value.isMissingNode() && !value.isNull()) {
            spec.set(key, value);
        }
    }

    // ---- values --------------------------------------------------------------------------------------

    /** A primary key's arguments as the data API's id: each value as text, joined as a composite id. */
    private static String id(List<String> keyArguments, Map<String, Object> args) {
        List<String> values = new ArrayList<>();
        for (String name : keyArguments) {
            Object v = args.get(name);
            values.add(v instanceof JsonNode j ? j.asText() : String.valueOf(v));
        }
        return CompositeId.format(values);
    }

    /** A GraphQL argument value as the JSON the data API's planners read; absent is missing. */
    static JsonNode tree(Object value) {
        return value == null ? MissingNode.getInstance() : ROWS.valueToTree(value);
    }

    private static long number(Object value, long fallback) {
        return value instanceof Number n ? n.longValue() : fallback;
    }

    static Object parseRow(String json) {
        try {
            return ROWS.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A read's rows as PostgreSQL wrote them (copied out, or parsed for graphql-java to pick fields from). */
    private static final class Page implements PageSink {
        final List<String> rows = new ArrayList<>();
        Optional<String> next = Optional.empty();
        OptionalLong total = OptionalLong.empty();

        @Override
        public void row(String json, Optional<String> distance) {
            rows.add(json);
        }

        @Override
        public void end(Optional<String> nextCursor, OptionalLong total) {
            this.next = nextCursor;
            this.total = total;
        }
    }
}
