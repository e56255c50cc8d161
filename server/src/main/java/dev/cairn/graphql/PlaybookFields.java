package dev.cairn.graphql;

import graphql.Scalars;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLOutputType;
import graphql.schema.GraphQLTypeReference;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NoETL gateway's GraphQL contract, on a platform with a workflow server:
 * {@code executePlaybook(name: String!, variables: JSON, clientId: String): ExecuteResult},
 * {@code execution(id: ID!): PlaybookExecution} and the subscription
 * {@code executionUpdates(executionId: ID!): PlaybookExecutionUpdate}.
 */
final class PlaybookFields {

    private static final Logger LOG = LoggerFactory.getLogger(PlaybookFields.class);
    static final String RESULT = "ExecuteResult";
    static final String EXECUTION = "PlaybookExecution";
    static final String UPDATE = "PlaybookExecutionUpdate";

    private PlaybookFields() {
    }

    /** Whether the contract's types can be added: no table's type takes one of their names. */
    private static boolean fits(Set<String> entityTypes) {
        return !entityTypes.contains(RESULT) && !entityTypes.contains(EXECUTION) && !entityTypes.contains(UPDATE);
    }

    static void add(Set<String> entityTypes, GraphQLObjectType.Builder query, Map<String, SchemaFactory.Root> queries,
                    GraphQLObjectType.Builder mutation, Map<String, SchemaFactory.Root> mutations,
                    GraphQLObjectType.Builder subscription, Map<String, SchemaFactory.Root> subscriptions,
                    Set<GraphQLNamedType> types) {
        if (!fits(entityTypes)) {
            LOG.info("GraphQL leaves out the playbook fields: a table's type is named {}, {} or {}", RESULT, EXECUTION,
                    UPDATE);
            return;
        }
        types.add(object(RESULT, "A playbook run just started", Map.of("id", nonNull(Scalars.GraphQLID),
                "executionId", nonNull(Scalars.GraphQLID), "requestId", nonNull(Scalars.GraphQLString),
                "name", nonNull(Scalars.GraphQLString), "status", Scalars.GraphQLString,
                "textOutput", Scalars.GraphQLString)));
        types.add(object(EXECUTION, "A playbook run as the workflow server reports it", Map.of(
                "id", nonNull(Scalars.GraphQLID), "executionId", nonNull(Scalars.GraphQLID),
                "status", Scalars.GraphQLString, "path", Scalars.GraphQLString, "result", PgScalars.JSON,
                "raw", PgScalars.JSON)));
        types.add(object(UPDATE, "A step, a status change or the result of a playbook run", Map.of(
                "executionId", nonNull(Scalars.GraphQLID), "requestId", Scalars.GraphQLString,
                "step", Scalars.GraphQLString, "status", Scalars.GraphQLString, "data", PgScalars.JSON,
                "source", nonNull(Scalars.GraphQLString), "timestamp", nonNull(Scalars.GraphQLString),
                "raw", PgScalars.JSON)));
        SchemaFactory.addQuery(mutation, mutations, "executePlaybook", new SchemaFactory.ExecutePlaybook(),
                GraphQLFieldDefinition.newFieldDefinition().name("executePlaybook")
                        .description("Starts a playbook on the platform's workflow server (needs 'execute' on its path)")
                        .argument(arg("name", GraphQLNonNull.nonNull(Scalars.GraphQLString))).argument(arg("variables", PgScalars.JSON))
                        .argument(arg("clientId", Scalars.GraphQLString)).type(new GraphQLTypeReference(RESULT)));
        SchemaFactory.addQuery(query, queries, "execution", new SchemaFactory.ExecutionById(),
                GraphQLFieldDefinition.newFieldDefinition().name("execution")
                        .description("A playbook run's status and result (needs 'view' on its path)")
                        .argument(arg("id", GraphQLNonNull.nonNull(Scalars.GraphQLID))).type(new GraphQLTypeReference(EXECUTION)));
        SchemaFactory.addQuery(subscription, subscriptions, "executionUpdates", new SchemaFactory.ExecutionUpdates(),
                GraphQLFieldDefinition.newFieldDefinition().name("executionUpdates")
                        .description("A playbook run's progress and result, live (needs 'view' on its path)")
                        .argument(arg("executionId", GraphQLNonNull.nonNull(Scalars.GraphQLID)))
                        .type(GraphQLNonNull.nonNull(new GraphQLTypeReference(UPDATE))));
    }


    private static GraphQLObjectType object(String name, String description, Map<String, GraphQLOutputType> fields) {
        GraphQLObjectType.Builder b = GraphQLObjectType.newObject().name(name).description(description);
        new java.util.TreeMap<>(fields).forEach((field, type) -> b.field(GraphQLFieldDefinition.newFieldDefinition()
                .name(field).type(type)));
        return b.build();
    }

    private static GraphQLOutputType nonNull(GraphQLOutputType type) {
        return GraphQLNonNull.nonNull(type);
    }

    private static GraphQLArgument arg(String name, graphql.schema.GraphQLInputType type) {
        return GraphQLArgument.newArgument().name(name).type(type).build();
    }
}
