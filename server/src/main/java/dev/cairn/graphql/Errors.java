package dev.cairn.graphql;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GraphQL errors in Cairn's terms: every error in {@code errors[]} has {@code extensions.code}, the
 * same stable code the REST faces answer ({@code not_found}, {@code forbidden}, {@code conflict},
 * {@code invalid_query}, ...) and the problem's fields beside it; never SQL or a stack trace.
 */
final class Errors {

    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);
    /** Fields of a problem that describe the server, not the request. */
    private static final Set<String> PRIVATE = Set.of("cause", "database");

    private Errors() {
    }

    /** A fetcher's failure: a Cairn error keeps its code and message; anything else is an internal error, logged. */
    static final DataFetcherExceptionHandler HANDLER = params -> {
        Throwable e = params.getException();
        Problem problem;
        if (e instanceof CairnException c) {
            problem = c.problem();
        } else {
            LOG.error("GraphQL field {} failed unexpectedly", params.getPath(), e);
            problem = Problem.of(ErrorCode.INTERNAL_ERROR, "internal error");
        }
        GraphQLError error = builder(problem).path(params.getPath()).location(params.getSourceLocation()).build();
        return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(error).build());
    };

    static Map<String, Object> response(CairnException e) {
        return Map.of("errors", List.of(builder(e.problem()).build().toSpecification()));
    }

    static Map<String, Object> response(List<? extends GraphQLError> errors) {
        return Map.of("errors", errors.stream().map(Errors::coded).toList());
    }

    /** The result as the GraphQL spec lays it out, each error with its code. */
    static Map<String, Object> specification(ExecutionResult result) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!result.getErrors().isEmpty()) {
            out.put("errors", result.getErrors().stream().map(Errors::coded).toList());
        }
        if (result.isDataPresent()) {
            out.put("data", result.getData());
        }
        return out;
    }

    private static GraphqlErrorBuilder<?> builder(Problem problem) {
        Map<String, Object> extensions = new LinkedHashMap<>();
        extensions.put("code", problem.code().wireName());
        problem.fields().forEach((k, v) -> {
            if (!PRIVATE.contains(k) && v != null) {
                extensions.put(k, v);
            }
        });
        return GraphqlErrorBuilder.newError().message(problem.message()).extensions(extensions);
    }

    /** graphql-java's own errors (syntax, validation, coercion, introspection off) with a code. */
    private static Map<String, Object> coded(GraphQLError error) {
        Map<String, Object> spec = new LinkedHashMap<>(error.toSpecification());
        @SuppressWarnings("unchecked")
        Map<String, Object> extensions = spec.get("extensions") instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        if (!extensions.containsKey("code")) {
            extensions.put("code", code(error.getErrorType()));
        }
        extensions.remove("classification");
        spec.put("extensions", extensions);
        return spec;
    }

    private static String code(ErrorClassification type) {
        if (type == ErrorType.DataFetchingException) {
            return ErrorCode.INTERNAL_ERROR.wireName();
        }
        if (type != null && type.toString().contains("Introspection")) {
            return ErrorCode.INTROSPECTION_DISABLED.wireName();
        }
        return ErrorCode.INVALID_QUERY.wireName();
    }

}
