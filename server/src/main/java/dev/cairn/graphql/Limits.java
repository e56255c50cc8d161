package dev.cairn.graphql;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import graphql.normalized.ExecutableNormalizedField;
import graphql.normalized.ExecutableNormalizedOperation;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import java.util.List;
import java.util.Map;

/**
 * How much one request may ask for, checked before anything runs: the depth of its selections, the
 * fields in one selection (breadth), and an estimate of the rows × fields it could produce (cost:
 * each field costs 1, and a field that returns rows multiplies what is under it by its {@code take},
 * or by 100 for a function's set). Introspection is left out: it is bounded by the schema and can
 * be switched off per platform.
 *
 * @param maxDepth   {@code GRAPHQL_MAX_DEPTH}
 * @param maxBreadth {@code GRAPHQL_MAX_BREADTH}
 * @param maxCost    {@code GRAPHQL_MAX_COST}
 */
public record Limits(int maxDepth, int maxBreadth, long maxCost) {

    static final int SET_ROWS = 100;

    /** The request's estimated cost, once it is known to be within every limit. */
    long check(ExecutableNormalizedOperation operation, GraphQLSchema schema, Arguments args) {
        List<ExecutableNormalizedField> roots = operation.getTopLevelFields().stream()
                .filter(f -> !f.getName().startsWith("__")).toList();
        breadth(roots.size());
        long cost = 0;
        for (ExecutableNormalizedField root : roots) {
            long rows = GraphQLTypeUtil.unwrapNonNull(root.getType(schema)) instanceof GraphQLList
                    && !args.of(root).containsKey("take") ? SET_ROWS : rows(root, args);
            cost = Math.addExact(cost, cost(root, rows, args));
        }
        if (cost > maxCost) {
            throw tooComplex("the request's estimated cost is " + cost + "; at most " + maxCost + " is allowed"
                    + " (GRAPHQL_MAX_COST; each field costs 1, times the rows above it: ask for fewer rows with take)", cost);
        }
        return cost;
    }

    private long cost(ExecutableNormalizedField field, long rows, Arguments args) {
        if (field.getLevel() > maxDepth) {
            throw tooComplex("the request nests " + field.getLevel() + " levels deep; at most " + maxDepth
                    + " are allowed (GRAPHQL_MAX_DEPTH)", field.getLevel());
        }
        breadth(field.getChildren().size());
        long under = 0;
        for (ExecutableNormalizedField child : field.getChildren()) {
            under = Math.addExact(under, cost(child, rows(child, args), args));
        }
        return under == 0 ? 1 : Math.addExact(1, Math.multiplyExact(rows, under));
    }

    private void breadth(int fields) {
        if (fields > maxBreadth) {
            throw tooComplex("a selection holds " + fields + " fields; at most " + maxBreadth
                    + " are allowed (GRAPHQL_MAX_BREADTH)", fields);
        }
    }

    /** How many rows a field may return: its take, or a guess for a function's set. */
    private static long rows(ExecutableNormalizedField field, Arguments args) {
        Map<String, Object> arguments = args.of(field);
        Object take = arguments.get("take");
        if (take instanceof Number n) {
            return Math.max(1, n.longValue());
        }
        return arguments.containsKey("take") ? SchemaFactory.DEFAULT_NESTED_TAKE : 1;
    }

    private static CairnException tooComplex(String message, long value) {
        return new CairnException(Problem.of(ErrorCode.QUERY_TOO_COMPLEX, message).with("value", value));
    }
}
