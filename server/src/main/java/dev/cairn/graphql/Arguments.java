package dev.cairn.graphql;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.execution.RawVariables;
import graphql.execution.ValuesResolver;
import graphql.language.ArrayValue;
import graphql.language.Document;
import graphql.language.NodeUtil;
import graphql.language.ObjectField;
import graphql.language.ObjectValue;
import graphql.language.OperationDefinition;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.normalized.ExecutableNormalizedField;
import graphql.normalized.ExecutableNormalizedOperation;
import graphql.normalized.ExecutableNormalizedOperationFactory;
import graphql.schema.GraphQLSchema;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A normalized operation and its fields' arguments for one request. Normalizing a document
 * (graphql-java's ENO factory) was a fifth of a simple read's CPU, and for a document without
 * directives its shape does not depend on the variables: such a document is normalized once and
 * kept ({@link Template}), and each request only coerces its variables and resolves again the
 * arguments that use them.
 */
record Arguments(ExecutableNormalizedOperation operation, Lookup lookup, java.util.Optional<Template> template) {

    Arguments(ExecutableNormalizedOperation operation, Lookup lookup) {
        this(operation, lookup, java.util.Optional.empty());
    }

    /** A field's resolved arguments under the request's variables. */
    interface Lookup {
        Map<String, Object> of(ExecutableNormalizedField field);
    }

    Map<String, Object> of(ExecutableNormalizedField field) {
        return lookup.of(field);
    }

    /**
     * An operation normalized once, reused with other variables (kept only for documents without
     * directives, whose shape no variable can change).
     *
     * @param cost the limits' estimate, kept once known when no {@code take} uses a variable (-1: not kept)
     */
    record Template(ExecutableNormalizedOperation operation, OperationDefinition definition,
                    Set<ExecutableNormalizedField> withVariables, boolean fixedCost,
                    java.util.concurrent.atomic.AtomicLong cost) {
    }

    /** The limits' estimate for this request: computed once per template when no variable can change it. */
    long cost(java.util.function.LongSupplier check) {
        if (template.isEmpty() || !template.get().fixedCost()) {
            return check.getAsLong();
        }
        long known = template.get().cost().get();
        if (known < 0) {
            known = check.getAsLong();
            template.get().cost().set(known);
        }
        return known;
    }

    /** The request's operation: from its template when there is one, else normalized now (and kept when reusable). */
    static Arguments of(GraphQLSchema schema, Document document, String query, String operationName,
                        Map<String, Object> variables, Map<String, Template> templates) {
        String key = operationName == null ? "" : operationName;
        Template template = templates.get(key);
        if (template == null) {
            ExecutableNormalizedOperation operation = ExecutableNormalizedOperationFactory
                    .createExecutableNormalizedOperationWithRawVariables(schema, document, operationName,
                            RawVariables.of(variables));
            OperationDefinition definition = NodeUtil.getOperation(document, operationName).operationDefinition;
            // Directives (@skip, @include) may make the shape depend on variables; an '@' anywhere, even in a
            // string, is enough to normalize such a document every time.
            boolean reusable = query.indexOf('@') < 0;
            Set<ExecutableNormalizedField> withVariables = new java.util.HashSet<>();
            boolean takeVaries = false;
            for (Map.Entry<ExecutableNormalizedField, graphql.execution.MergedField> e
                    : operation.getNormalizedFieldToMergedField().entrySet()) {
                for (graphql.language.Argument argument : e.getValue().getArguments()) {
                    if (usesVariables(argument.getValue())) {
                        withVariables.add(e.getKey());
                        takeVaries |= argument.getName().equals("take");
                    }
                }
            }
            if (reusable && templates.size() < 500) {
                templates.put(key, new Template(operation, definition, Set.copyOf(withVariables), !takeVaries,
                        new java.util.concurrent.atomic.AtomicLong(-1)));
            }
            return new Arguments(operation, ExecutableNormalizedField::getResolvedArguments);
        }
        if (template.withVariables().isEmpty()) {
            return new Arguments(template.operation(), ExecutableNormalizedField::getResolvedArguments,
                    java.util.Optional.of(template));
        }
        CoercedVariables coerced = ValuesResolver.coerceVariableValues(schema,
                template.definition().getVariableDefinitions(), RawVariables.of(variables), GraphQLContext.getDefault(),
                Locale.getDefault());
        Map<ExecutableNormalizedField, Map<String, Object>> resolved = new ConcurrentHashMap<>();
        return new Arguments(template.operation(), field -> !template.withVariables().contains(field)
                ? field.getResolvedArguments()
                : resolved.computeIfAbsent(field, f -> ValuesResolver.getArgumentValues(schema.getCodeRegistry(),
                        f.getFieldDefinitions(schema).getFirst().getArguments(),
                        template.operation().getMergedField(f).getArguments(), coerced, GraphQLContext.getDefault(),
                        Locale.getDefault())), java.util.Optional.of(template));
    }

    private static boolean usesVariables(Value<?> value) {
        return switch (value) {
            case VariableReference v -> true;
            case ArrayValue a -> a.getValues().stream().anyMatch(Arguments::usesVariables);
            case ObjectValue o -> o.getObjectFields().stream().map(ObjectField::getValue).anyMatch(Arguments::usesVariables);
            default -> false;
        };
    }
}
