package dev.cairn.graphql;

import graphql.schema.DataFetcher;
import java.util.Map;

/**
 * The schema's data fetchers. Nothing is fetched here: a request's root fields were run through the
 * pipeline before execution ({@link Prefetched}), and GraphQL execution only shapes those rows.
 */
final class Fetchers {

    /** A root field: what the pipeline answered for its result key, or its error. */
    static final DataFetcher<Object> ROOT = env -> env.getGraphQlContext().<Prefetched>get(Prefetched.class)
            .take(env.getField().getResultKey());

    /** A relation inside a row: PostgreSQL nested it under the field's result key. */
    static final DataFetcher<Object> RELATION = env -> env.getSource() instanceof Map<?, ?> row
            ? row.get(SchemaFactory.RELATION_KEY + env.getField().getResultKey()) : null;

    /** A subscription's root field: the events its source delivers, as the publisher graphql-java maps. */
    static final DataFetcher<Object> SUBSCRIPTION = env -> env.getGraphQlContext().<SourcePublisher>get(SourcePublisher.class);

    private Fetchers() {
    }
}
