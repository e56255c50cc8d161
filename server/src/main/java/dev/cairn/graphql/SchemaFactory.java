package dev.cairn.graphql;

import dev.cairn.catalog.Routine;
import dev.cairn.catalog.Tables;
import dev.cairn.catalog.Types;
import dev.cairn.data.ListArgs;
import dev.cairn.data.Pipeline;
import dev.cairn.entity.Entity;
import graphql.Scalars;
import graphql.schema.DataFetcher;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLEnumType;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLInputObjectField;
import graphql.schema.GraphQLInputObjectType;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLOutputType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A platform's GraphQL schema, generated from what the data API exposes (entities under the
 * platform's settings) and the database's functions. Per entity {@code E} (list field {@code es}):
 * {@code es} and {@code esPage} (where, orderBy, take, skip, cursor), {@code esByPk}, relations as
 * nested fields, and unless read-only {@code createE}, {@code createManyE}, {@code updateE},
 * {@code deleteE}. {@code STABLE}/{@code IMMUTABLE} functions become query fields, {@code VOLATILE}
 * ones mutations. A name GraphQL cannot spell, an overloaded function or a name taken already is
 * left out (and logged), never guessed at.
 */
final class SchemaFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaFactory.class);
    /** Relations' row objects are keyed so no field name can collide with them. */
    static final String RELATION_KEY = "$";
    static final int DEFAULT_NESTED_TAKE = 100;

    /** What a root field does, for the planner that turns a request's fields into pipeline operations. */
    sealed interface Root {
    }

    record Rows(Entity entity, boolean page) implements Root {
    }

    record ByKey(Entity entity, List<String> keyArguments) implements Root {
    }

    record Create(Entity entity, boolean many) implements Root {
    }

    record Update(Entity entity, List<String> keyArguments) implements Root {
    }

    record Delete(Entity entity, List<String> keyArguments) implements Root {
    }

    /**
     * A function as a field.
     *
     * @param scalar    it returns one value (or a set of them), not rows of columns
     * @param arguments GraphQL argument name → the routine's input, in the routine's order
     */
    record Function(String function, Routine routine, boolean scalar, List<String> arguments) implements Root {
    }

    /** {@code executePlaybook}: a run started on the platform's workflow server. */
    record ExecutePlaybook() implements Root {
    }

    /** {@code execution(id)}: a run's status and result, from the workflow server. */
    record ExecutionById() implements Root {
    }

    /** A subscription to an entity's change events (the event stream's, as {@code /v1/events} serves them). */
    record EntityChanges(Entity entity) implements Root {
    }

    /** {@code executionUpdates(executionId)}: a playbook run's progress. */
    record ExecutionUpdates() implements Root {
    }

    /** The schema and what each root field does. */
    record Built(GraphQLSchema schema, Map<String, Root> queries, Map<String, Root> mutations,
                 Map<String, Root> subscriptions) {
    }

    private static final GraphQLEnumType SORT = GraphQLEnumType.newEnum().name("SortOrder")
            .value("asc").value("desc").build();
    private static final GraphQLEnumType MODE = GraphQLEnumType.newEnum().name("QueryMode")
            .value("default").value("insensitive").build();

    private final Pipeline.Surface surface;
    private final Types types;
    private final GraphQLCodeRegistry.Builder code = GraphQLCodeRegistry.newCodeRegistry();
    private final Map<String, GraphQLInputObjectType> filters = new LinkedHashMap<>();
    private final Map<String, Entity> byType = new LinkedHashMap<>();
    private final Map<String, String> typeOf = new LinkedHashMap<>();
    private final Set<GraphQLNamedType> additional = new HashSet<>();

    private SchemaFactory(Pipeline.Surface surface) {
        this.surface = surface;
        this.types = surface.catalog().types();
    }

    /** @param playbooks whether the platform has a workflow server (and so the playbook fields) */
    static Built build(Pipeline.Surface surface, DataFetcher<?> root, boolean playbooks) {
        return new SchemaFactory(surface).schema(root, playbooks);
    }

    private Built schema(DataFetcher<?> rootFetcher, boolean playbooks) {
        for (Entity e : surface.entities().byName().values()) {
            Names.pascal(e.name()).filter(n -> !byType.containsKey(n) && !n.endsWith("Page")).ifPresentOrElse(n -> {
                byType.put(n, e);
                typeOf.put(e.name(), n);
            }, () -> LOG.info("GraphQL leaves out entity {}: its name is not a GraphQL name or collides", e.name()));
        }
        GraphQLObjectType.Builder query = GraphQLObjectType.newObject().name("Query");
        GraphQLObjectType.Builder mutation = GraphQLObjectType.newObject().name("Mutation");
        Map<String, Root> queries = new LinkedHashMap<>();
        Map<String, Root> mutations = new LinkedHashMap<>();
        GraphQLObjectType.Builder subscription = GraphQLObjectType.newObject().name("Subscription");
        Map<String, Root> subscriptions = new LinkedHashMap<>();
        if (playbooks) { // first: the NoETL contract's names win over a table's or a function's
            PlaybookFields.add(byType.keySet(), query, queries, mutation, mutations, subscription, subscriptions,
                    additional);
        }
        for (Map.Entry<String, Entity> t : byType.entrySet()) {
            entity(t.getKey(), t.getValue(), query, queries, mutation, mutations);
            changes(t.getKey(), t.getValue(), subscription, subscriptions);
        }
        functions(query, queries, mutation, mutations);
        if (queries.isEmpty()) {
            query.field(GraphQLFieldDefinition.newFieldDefinition().name("_empty").type(Scalars.GraphQLBoolean)
                    .description("This platform exposes nothing yet"));
            queries.put("_empty", new Rows(null, false));
        }
        queries.keySet().forEach(f -> code.dataFetcher(FieldCoordinates.coordinates("Query", f), rootFetcher));
        mutations.keySet().forEach(f -> code.dataFetcher(FieldCoordinates.coordinates("Mutation", f), rootFetcher));
        subscriptions.keySet().forEach(f -> code.dataFetcher(FieldCoordinates.coordinates("Subscription", f),
                Fetchers.SUBSCRIPTION));
        GraphQLSchema.Builder schema = GraphQLSchema.newSchema().query(query.build()).codeRegistry(code.build())
                .additionalTypes(additional);
        if (!mutations.isEmpty()) {
            schema.mutation(mutation.build());
        }
        if (!subscriptions.isEmpty()) {
            schema.subscription(subscription.build());
        }
        return new Built(schema.build(), Map.copyOf(queries), Map.copyOf(mutations), Map.copyOf(subscriptions));
    }

    // ---- entities ------------------------------------------------------------------------------------

    /**
     * {@code esChanged(types, since): EChangeEvent}: the entity's change events, live, resumable from
     * a stream sequence or an event id; {@code data} is the row the event carries (relations are not
     * part of an event).
     */
    private void changes(String type, Entity e, GraphQLObjectType.Builder subscription, Map<String, Root> roots) {
        String event = type + "ChangeEvent";
        if (byType.containsKey(event)) {
            LOG.info("GraphQL leaves out the change events of {}: a table's type is named {}", e.name(), event);
            return;
        }
        additional.add(GraphQLObjectType.newObject().name(event).description("A change of a row of " + e.name())
                .field(f -> f.name("id").type(GraphQLNonNull.nonNull(Scalars.GraphQLID)).description("the event id"))
                .field(f -> f.name("sequence").type(GraphQLNonNull.nonNull(PgScalars.BIG_INT))
                        .description("the stream sequence: pass it as since to resume after this event"))
                .field(f -> f.name("type").type(GraphQLNonNull.nonNull(Scalars.GraphQLString))
                        .description("created, updated, deleted, or a name a function gave it"))
                .field(f -> f.name("aggregateId").type(Scalars.GraphQLString))
                .field(f -> f.name("tenant").type(Scalars.GraphQLString))
                .field(f -> f.name("occurredAt").type(Scalars.GraphQLString))
                .field(f -> f.name("data").type(GraphQLTypeReference.typeRef(type))
                        .description("the row after the change (before it, for a delete)"))
                .build());
        String list = Character.toLowerCase(type.charAt(0)) + type.substring(1);
        addQuery(subscription, roots, list + "Changed", new EntityChanges(e), GraphQLFieldDefinition.newFieldDefinition()
                .name(list + "Changed").description("Changes of " + e.name() + " as they happen")
                .argument(arg("types", GraphQLList.list(GraphQLNonNull.nonNull(Scalars.GraphQLString))))
                .argument(arg("since", Scalars.GraphQLString))
                .type(GraphQLNonNull.nonNull(GraphQLTypeReference.typeRef(event))));
    }

    private void entity(String type, Entity e, GraphQLObjectType.Builder query, Map<String, Root> queries,
                        GraphQLObjectType.Builder mutation, Map<String, Root> mutations) {
        String list = Character.toLowerCase(type.charAt(0)) + type.substring(1);
        additional.add(objectType(type, e));
        GraphQLInputObjectType where = where(type, e);
        GraphQLInputObjectType order = orderBy(type, e);
        additional.add(GraphQLObjectType.newObject().name(type + "Page")
                .description("A page of " + e.name() + ": its rows, where the next page starts, and the total when asked")
                .field(f -> f.name("data").type(GraphQLNonNull.nonNull(GraphQLList.list(GraphQLNonNull.nonNull(
                        GraphQLTypeReference.typeRef(type))))))
                .field(f -> f.name("nextCursor").type(Scalars.GraphQLString))
                .field(f -> f.name("total").type(PgScalars.BIG_INT)).build());
        List<GraphQLArgument> listArgs = List.of(
                arg("where", where), arg("orderBy", GraphQLList.list(GraphQLNonNull.nonNull(order))),
                GraphQLArgument.newArgument().name("take").type(Scalars.GraphQLInt).defaultValueProgrammatic(
                        ListArgs.DEFAULT_TAKE).description("rows per page, 1 to " + ListArgs.MAX_TAKE).build(),
                GraphQLArgument.newArgument().name("skip").type(Scalars.GraphQLInt).defaultValueProgrammatic(0).build(),
                arg("cursor", Scalars.GraphQLString));
        addQuery(query, queries, list, new Rows(e, false), GraphQLFieldDefinition.newFieldDefinition().name(list)
                .description("Rows of " + e.name()).arguments(listArgs)
                .type(GraphQLNonNull.nonNull(GraphQLList.list(GraphQLNonNull.nonNull(GraphQLTypeReference.typeRef(type))))));
        addQuery(query, queries, list + "Page", new Rows(e, true), GraphQLFieldDefinition.newFieldDefinition()
                .name(list + "Page").description("A page of " + e.name() + " with its next cursor").arguments(listArgs)
                .type(GraphQLNonNull.nonNull(GraphQLTypeReference.typeRef(type + "Page"))));
        Optional<List<GraphQLArgument>> key = keyArguments(e);
        key.ifPresent(args -> addQuery(query, queries, list + "ByPk", new ByKey(e, names(args)),
                GraphQLFieldDefinition.newFieldDefinition().name(list + "ByPk").arguments(args)
                        .description("One row of " + e.name() + " by its primary key, or null")
                        .type(GraphQLTypeReference.typeRef(type))));
        if (e.readOnly()) {
            return;
        }
        GraphQLInputObjectType create = input(type + "Input", e, true);
        GraphQLInputObjectType patch = input(type + "Patch", e, false);
        addQuery(mutation, mutations, "create" + type, new Create(e, false), GraphQLFieldDefinition.newFieldDefinition()
                .name("create" + type).argument(arg("data", GraphQLNonNull.nonNull(create)))
                .type(GraphQLTypeReference.typeRef(type)));
        addQuery(mutation, mutations, "createMany" + type, new Create(e, true), GraphQLFieldDefinition.newFieldDefinition()
                .name("createMany" + type)
                .argument(arg("data", GraphQLNonNull.nonNull(GraphQLList.list(GraphQLNonNull.nonNull(create)))))
                .type(GraphQLNonNull.nonNull(GraphQLList.list(GraphQLNonNull.nonNull(GraphQLTypeReference.typeRef(type))))));
        key.ifPresent(args -> {
            List<GraphQLArgument> withData = new ArrayList<>(args);
            withData.add(arg("data", GraphQLNonNull.nonNull(patch)));
            addQuery(mutation, mutations, "update" + type, new Update(e, names(args)), GraphQLFieldDefinition
                    .newFieldDefinition().name("update" + type).arguments(withData).type(GraphQLTypeReference.typeRef(type)));
            addQuery(mutation, mutations, "delete" + type, new Delete(e, names(args)), GraphQLFieldDefinition
                    .newFieldDefinition().name("delete" + type).arguments(args).type(GraphQLTypeReference.typeRef(type)));
        });
    }

    private GraphQLObjectType objectType(String type, Entity e) {
        GraphQLObjectType.Builder b = GraphQLObjectType.newObject().name(type).description("A row of " + e.name());
        Set<String> names = new HashSet<>();
        for (Entity.Field f : e.fields()) {
            if (Names.valid(f.name()) && names.add(f.name())) {
                b.field(GraphQLFieldDefinition.newFieldDefinition().name(f.name()).type(output(f.column())));
            }
        }
        if (e.syntheticId() && names.add("id")) {
            b.field(GraphQLFieldDefinition.newFieldDefinition().name("id").type(GraphQLNonNull.nonNull(Scalars.GraphQLID))
                    .description("The row's composite id, as the data API's paths take it"));
        }
        for (Entity.Relation r : e.relations()) {
            String target = typeOf.get(r.target());
            if (target == null || !Names.valid(r.name()) || !names.add(r.name())) {
                continue;
            }
            GraphQLFieldDefinition.Builder field = GraphQLFieldDefinition.newFieldDefinition().name(r.name());
            if (r.many()) {
                Entity targetEntity = byType.get(target);
                field.type(GraphQLNonNull.nonNull(GraphQLList.list(GraphQLNonNull.nonNull(GraphQLTypeReference.typeRef(target)))))
                        .argument(arg("where", GraphQLTypeReference.typeRef(target + "Where")))
                        .argument(arg("orderBy", GraphQLList.list(GraphQLNonNull.nonNull(
                                GraphQLTypeReference.typeRef(target + "OrderBy")))))
                        .argument(GraphQLArgument.newArgument().name("take").type(Scalars.GraphQLInt)
                                .defaultValueProgrammatic(DEFAULT_NESTED_TAKE).description("at most 1000"))
                        .description("Rows of " + targetEntity.name() + " that point here");
            } else {
                field.type(GraphQLTypeReference.typeRef(target));
            }
            b.field(field);
            code.dataFetcher(FieldCoordinates.coordinates(type, r.name()), Fetchers.RELATION);
        }
        return b.build();
    }

    /** {@code EWhere}: per field a filter of its scalar's operators, and AND, OR, NOT. */
    private GraphQLInputObjectType where(String type, Entity e) {
        GraphQLInputObjectType.Builder b = GraphQLInputObjectType.newInputObject().name(type + "Where")
                .description("Conditions on " + e.name() + " (the data API's where)");
        for (Entity.Field f : e.fields()) {
            GraphQLType t = PgScalars.of(f.column().type(), types);
            if (Names.valid(f.name()) && t instanceof GraphQLNamedType named) {
                b.field(GraphQLInputObjectField.newInputObjectField().name(f.name()).type(filter(named)));
            }
        }
        GraphQLInputType self = GraphQLList.list(GraphQLNonNull.nonNull(GraphQLTypeReference.typeRef(type + "Where")));
        b.field(GraphQLInputObjectField.newInputObjectField().name("AND").type(self));
        b.field(GraphQLInputObjectField.newInputObjectField().name("OR").type(self));
        b.field(GraphQLInputObjectField.newInputObjectField().name("NOT").type(self));
        GraphQLInputObjectType where = b.build();
        additional.add(where);
        return where;
    }

    private GraphQLInputObjectType filter(GraphQLNamedType scalar) {
        return filters.computeIfAbsent(scalar.getName(), name -> {
            GraphQLInputType value = (GraphQLInputType) scalar;
            GraphQLInputObjectType.Builder b = GraphQLInputObjectType.newInputObject().name(name + "Filter")
                    .field(inputField("equals", value)).field(inputField("not", value))
                    .field(inputField("in", GraphQLList.list(GraphQLNonNull.nonNull(value))))
                    .field(inputField("notIn", GraphQLList.list(GraphQLNonNull.nonNull(value))));
            if (!name.equals("Boolean")) {
                b.field(inputField("lt", value)).field(inputField("lte", value))
                        .field(inputField("gt", value)).field(inputField("gte", value));
            }
            if (name.equals("String") || name.equals("JSON")) {
                b.field(inputField("contains", Scalars.GraphQLString)).field(inputField("startsWith", Scalars.GraphQLString))
                        .field(inputField("endsWith", Scalars.GraphQLString)).field(inputField("mode", MODE));
            }
            if (name.equals("JSON")) {
                b.field(inputField("path", GraphQLList.list(GraphQLNonNull.nonNull(Scalars.GraphQLString))));
            }
            GraphQLInputObjectType built = b.build();
            additional.add(built);
            return built;
        });
    }

    private GraphQLInputObjectType orderBy(String type, Entity e) {
        GraphQLInputObjectType.Builder b = GraphQLInputObjectType.newInputObject().name(type + "OrderBy");
        int n = 0;
        for (Entity.Field f : e.fields()) {
            if (Names.valid(f.name())) {
                b.field(inputField(f.name(), SORT));
                n++;
            }
        }
        if (n == 0) {
            b.field(inputField("_none", SORT));
        }
        GraphQLInputObjectType built = b.build();
        additional.add(built);
        return built;
    }

    /** {@code EInput} (a create: required fields non-null) or {@code EPatch} (an update: all optional). */
    private GraphQLInputObjectType input(String name, Entity e, boolean create) {
        GraphQLInputObjectType.Builder b = GraphQLInputObjectType.newInputObject().name(name);
        int n = 0;
        for (Entity.Field f : e.fields()) {
            if (!f.writable() || !Names.valid(f.name())) {
                continue;
            }
            GraphQLInputType t = (GraphQLInputType) PgScalars.of(f.column().type(), types);
            boolean tenant = e.tenant().filter(c -> c.name().equals(f.column().name())).isPresent();
            b.field(inputField(f.name(), create && f.column().required() && !tenant ? GraphQLNonNull.nonNull(t) : t));
            n++;
        }
        if (n == 0) {
            b.field(inputField("_none", Scalars.GraphQLBoolean));
        }
        GraphQLInputObjectType built = b.build();
        additional.add(built);
        return built;
    }

    /** The primary key's fields as non-null arguments, when every one has a GraphQL name. */
    private Optional<List<GraphQLArgument>> keyArguments(Entity e) {
        if (!e.addressable()) {
            return Optional.empty();
        }
        List<GraphQLArgument> args = new ArrayList<>();
        for (Tables.Column c : e.key()) {
            String name = e.nameOf(c);
            if (!Names.valid(name)) {
                return Optional.empty();
            }
            GraphQLType t = PgScalars.of(c.type(), types);
            args.add(arg(name, GraphQLNonNull.nonNull((GraphQLInputType) t)));
        }
        return Optional.of(args);
    }

    private GraphQLOutputType output(Tables.Column column) {
        GraphQLOutputType t = (GraphQLOutputType) PgScalars.of(column.type(), types);
        return column.notNull() ? GraphQLNonNull.nonNull(t) : t;
    }

    // ---- functions -----------------------------------------------------------------------------------

    private void functions(GraphQLObjectType.Builder query, Map<String, Root> queries,
                           GraphQLObjectType.Builder mutation, Map<String, Root> mutations) {
        for (Map.Entry<String, List<Routine>> e : surface.catalog().routines().entrySet()) {
            if (e.getValue().size() != 1) {
                LOG.info("GraphQL leaves out function {}: it is overloaded", e.getKey());
                continue;
            }
            Routine r = e.getValue().getFirst();
            Optional<String> name = Names.camel(r.schema().equals("public") ? r.name() : r.schema() + "_" + r.name());
            if (name.isEmpty() || r.variadic()) {
                LOG.info("GraphQL leaves out function {}: variadic, or not a GraphQL name", e.getKey());
                continue;
            }
            function(name.get(), e.getKey(), r, r.readOnly() ? query : mutation, r.readOnly() ? queries : mutations);
        }
    }

    private void function(String field, String key, Routine r, GraphQLObjectType.Builder root, Map<String, Root> roots) {
        List<GraphQLArgument> args = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < r.inputs().size(); i++) {
            Routine.Argument a = r.inputs().get(i);
            if (a.name() == null || !Names.valid(a.name())) {
                LOG.info("GraphQL leaves out function {}: argument {} has no GraphQL name", key, i + 1);
                return;
            }
            GraphQLInputType t = (GraphQLInputType) PgScalars.of(a.type(), types);
            args.add(arg(a.name(), i < r.requiredInputs() ? GraphQLNonNull.nonNull(t) : t));
            names.add(a.name());
        }
        boolean scalar = r.columns().size() == 1 && r.columns().getFirst().name().equals(r.name())
                && r.arguments().stream().noneMatch(a -> !a.isInput() || a.mode() == Routine.Mode.INOUT);
        GraphQLOutputType result;
        if (r.returnsVoid() || r.columns().isEmpty()) {
            result = Scalars.GraphQLBoolean;
        } else if (scalar) {
            result = (GraphQLOutputType) PgScalars.of(r.columns().getFirst().type(), types);
        } else {
            String type = Character.toUpperCase(field.charAt(0)) + field.substring(1) + "Result";
            GraphQLObjectType.Builder b = GraphQLObjectType.newObject().name(type);
            for (Routine.Column c : r.columns()) {
                if (c.name() == null || !Names.valid(c.name())) {
                    LOG.info("GraphQL leaves out function {}: result column {} has no GraphQL name", key, c.name());
                    return;
                }
                b.field(GraphQLFieldDefinition.newFieldDefinition().name(c.name())
                        .type((GraphQLOutputType) PgScalars.of(c.type(), types)));
            }
            if (byType.containsKey(type)) {
                return;
            }
            result = b.build();
        }
        if (r.returnsSet() && !r.returnsVoid()) {
            result = GraphQLNonNull.nonNull(GraphQLList.list(result));
        }
        addQuery(root, roots, field, new Function(key, r, scalar, names), GraphQLFieldDefinition.newFieldDefinition()
                .name(field).arguments(args).type(result)
                .description((r.readOnly() ? "Function " : "Function (VOLATILE) ") + key));
    }

    // ---- pieces --------------------------------------------------------------------------------------

    static void addQuery(GraphQLObjectType.Builder root, Map<String, Root> roots, String name, Root what,
                                 GraphQLFieldDefinition.Builder field) {
        if (roots.containsKey(name)) {
            LOG.info("GraphQL leaves out field {}: the name is taken", name);
            return;
        }
        roots.put(name, what);
        root.field(field);
    }

    private static List<String> names(List<GraphQLArgument> args) {
        return args.stream().map(GraphQLArgument::getName).toList();
    }

    private static GraphQLArgument arg(String name, GraphQLInputType type) {
        return GraphQLArgument.newArgument().name(name).type(type).build();
    }

    private static GraphQLInputObjectField inputField(String name, GraphQLInputType type) {
        return GraphQLInputObjectField.newInputObjectField().name(name).type(type).build();
    }
}
