package dev.cairn.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.data.Idempotency;
import dev.cairn.data.Pipeline;
import dev.cairn.data.Target;
import dev.cairn.entity.DataApiSettings;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.identity.Principal;
import dev.cairn.upstream.Playbooks;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.ParseAndValidate;
import graphql.ParseAndValidateResult;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.introspection.Introspection;
import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.normalized.ExecutableNormalizedOperation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The GraphQL face's engine, behind {@code POST /graphql}: the platform's schema (generated from its
 * catalog and settings, cached per platform and schema version), the request's document (parsed and
 * validated once per query text), its limits, then the pipeline: every root field becomes one
 * pipeline operation run before execution ({@link Roots}), and graphql-java only shapes the rows
 * into the answer. Errors carry the REST faces' codes in {@code extensions.code}.
 */
public final class GraphqlExecutor {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(GraphqlExecutor.class);

    private final Pipeline pipeline;
    private final Limits limits;
    private final Schemas schemas;
    private final Playbooks playbooks;

    public GraphqlExecutor(Pipeline pipeline, Limits limits, int cachedSchemas, Playbooks playbooks) {
        this.pipeline = pipeline;
        this.limits = limits;
        this.schemas = new Schemas(cachedSchemas, playbooks);
        this.playbooks = playbooks;
    }

    /**
     * One GraphQL request.
     *
     * @param target      the tenant's database; a {@link Target.Tenant} without a tenant is a request
     *                    that named none, served the platform-wide fields only (playbooks), never data
     * @param queriesOnly a mutation is refused ({@code GET}, which must change nothing)
     * @param key         the request's idempotency key, read only if it holds mutations
     */
    public record Call(Supplier<Principal> principal, Target target, String query, Optional<String> operationName,
                       Map<String, Object> variables, boolean queriesOnly, Supplier<Optional<Idempotency.Key>> key) {
    }

    /** The GraphQL response ({@code data}, {@code errors}) as a map for the face to write. */
    public Map<String, Object> execute(Call call) {
        Prepared prepared = prepare(call);
        Pipeline.Surface surface = prepared.surface();
        Schemas.Compiled compiled = prepared.compiled();
        ExecutionInput.Builder input = prepared.input();
        PreparsedDocumentEntry document = prepared.document();
        if (document.hasErrors()) {
            return Errors.response(document.getErrors());
        }
        Optional<OperationDefinition> operation = operation(document.getDocument(), call.operationName());
        if (operation.isEmpty()) {
            return Errors.response(new CairnException(Problem.of(ErrorCode.INVALID_QUERY, call.operationName()
                    .map(n -> "the document has no operation named " + n)
                    .orElse("the document holds several operations: name the one to run in operationName"))));
        }
        if (call.queriesOnly() && operation.get().getOperation() != OperationDefinition.Operation.QUERY) {
            return Errors.response(new CairnException(Problem.of(ErrorCode.METHOD_NOT_ALLOWED,
                    "GET /graphql runs queries only; send mutations with POST")));
        }
        boolean introspection = surface.entities().settings().introspection();
        Prefetched prefetched;
        long cost;
        try {
            Arguments arguments = arguments(call, compiled, document);
            ExecutableNormalizedOperation normalized = arguments.operation();
            cost = arguments.cost(() -> limits.check(normalized, compiled.built().schema(), arguments));
            Roots roots = new Roots(pipeline, call.principal(), call.target(), surface.platform(), surface.entities(),
                    playbooks, arguments);
            prefetched = switch (operation.get().getOperation()) {
                case QUERY -> Roots.copyable(normalized.getTopLevelFields(), compiled.built().queries())
                        ? roots.queryRaw(normalized.getTopLevelFields(), compiled.built().queries())
                        : roots.query(normalized.getTopLevelFields(), compiled.built().queries());
                case MUTATION -> roots.mutate(normalized.getTopLevelFields(), compiled.built().mutations(), call.key());
                case SUBSCRIPTION -> throw new CairnException(Problem.of(ErrorCode.INVALID_QUERY,
                        "subscriptions run over WebSocket at /graphql (the graphql-transport-ws protocol)"));
            };
        } catch (CairnException e) {
            return Errors.response(e);
        } catch (graphql.GraphQLException e) { // a variable that does not coerce to its type
            return e instanceof GraphQLError error ? Errors.response(List.of(error))
                    : Errors.response(new CairnException(Problem.of(ErrorCode.INVALID_QUERY, e.getMessage())));
        }
        Map<String, Object> answer;
        if (prefetched.allRaw()) {
            // Every root field's rows were copied as PostgreSQL wrote them: nothing left for graphql-java to do.
            answer = new LinkedHashMap<>();
            answer.put("data", new com.fasterxml.jackson.databind.util.RawValue(prefetched.rawData()));
        } else {
            prefetched.parseRaw();
            ExecutionResult result = compiled.graphql().execute(input
                    .graphQLContext(Map.of(Prefetched.class, prefetched, Introspection.INTROSPECTION_DISABLED, !introspection))
                    .build());
            answer = Errors.specification(result);
        }
        answer.put("extensions", Map.of("cost", Map.of("estimated", cost, "limit", limits.maxCost()),
                "statements", prefetched.statements()));
        return answer;
    }

    /** What every request over either transport starts with: its surface, schema and parsed document. */
    private record Prepared(Pipeline.Surface surface, Schemas.Compiled compiled, ExecutionInput.Builder input,
                            PreparsedDocumentEntry document) {
    }

    /**
     * The request's surface (a tenant's, or the platform's without a database when it named no
     * tenant), the schema built for it, and its document parsed and validated once per query text.
     */
    private Prepared prepare(Call call) {
        boolean platformWide = call.target() instanceof Target.Tenant t && t.tenant().isEmpty();
        Pipeline.Surface surface = platformWide ? pipeline.platformSurface(call.target().platform())
                : pipeline.surface(call.target());
        Schemas.Compiled compiled = schemas.get(surface);
        ExecutionInput.Builder input = ExecutionInput.newExecutionInput().query(call.query()).variables(call.variables());
        call.operationName().ifPresent(input::operationName);
        PreparsedDocumentEntry document = compiled.document(call.query(),
                q -> ParseAndValidate.parseAndValidate(compiled.built().schema(), input.build()));
        return new Prepared(surface, compiled, input, document);
    }

    /** The operation normalized (or taken from its kept template) and its arguments under the call's variables. */
    private static Arguments arguments(Call call, Schemas.Compiled compiled, PreparsedDocumentEntry document) {
        return Arguments.of(compiled.built().schema(), document.getDocument(), call.query(),
                call.operationName().orElse(null), call.variables(), compiled.templates(call.query()));
    }

    // ---- after a deploy -------------------------------------------------------------------------------

    private final java.util.Set<String> warming = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A tenant database was just deployed at {@code checksum}: if GraphQL serves its platform and has
     * no schema for that version yet, one is built now, in the background, so no request waits for
     * it. Once per (platform, version), however many tenants a fleet job migrates.
     */
    public void warm(String platform, String tenant, String checksum) {
        if (!schemas.serves(platform) || schemas.has(platform, checksum) || !warming.add(platform + "\n" + checksum)) {
            return;
        }
        Thread.ofVirtual().name("cairn-graphql-warm").start(() -> {
            try {
                schemas.get(pipeline.surface(new Target.Tenant(platform, Optional.of(tenant))));
            } catch (RuntimeException e) {
                LOG.debug("GraphQL: building the schema of {} at {} ahead of requests failed: {}", platform, checksum,
                        e.toString());
            } finally {
                warming.remove(platform + "\n" + checksum);
            }
        });
    }

    /** Whether a schema for the platform at this schema version is built (and cached). */
    public boolean ready(String platform, String checksum) {
        return schemas.has(platform, checksum);
    }

    // ---- subscriptions -------------------------------------------------------------------------------

    /** Where entity change events come from: the face's event stream, under its identity and policy. */
    public interface Sources {
        /**
         * Opens the entity's change events for the principal on the target (authorized as the event
         * routes authorize: whoever may list the entity); each event's JSON goes to {@code events}.
         */
        AutoCloseable entityChanges(Principal principal, Target target, String entity, java.util.Set<String> types,
                                    Optional<String> since, java.util.function.Consumer<JsonNode> events,
                                    Runnable overflow);
    }

    /** What a subscription answers, in order: results, then its end; or errors, once, when it cannot start. */
    public interface Listener {
        void next(Map<String, Object> result);

        void error(List<Map<String, Object>> errors);

        void complete();
    }

    private static final AutoCloseable NOTHING = () -> { };

    /**
     * A request over WebSocket: a subscription runs until the handle is closed, each event shaped by
     * its selection set; a query or a mutation answers once and completes. The source is opened, and
     * so authorized, before anything is sent; a refusal is one {@link Listener#error}.
     *
     * @param buffer   events that may wait for the client
     * @param overflow what to do when they are more: the client is too slow
     */
    public AutoCloseable subscribe(Call call, Sources sources, Listener listener, int buffer, Runnable overflow) {
        Prepared prepared = prepare(call);
        Pipeline.Surface surface = prepared.surface();
        Schemas.Compiled compiled = prepared.compiled();
        ExecutionInput.Builder input = prepared.input();
        PreparsedDocumentEntry document = prepared.document();
        Optional<OperationDefinition> operation = document.hasErrors() ? Optional.empty()
                : operation(document.getDocument(), call.operationName());
        if (document.hasErrors() || operation.isEmpty()
                || operation.get().getOperation() != OperationDefinition.Operation.SUBSCRIPTION) {
            Map<String, Object> answer = execute(call);
            if (answer.get("data") == null && answer.get("errors") instanceof List<?> errors) {
                listener.error(errorList(errors));
            } else {
                listener.next(answer);
                listener.complete();
            }
            return NOTHING;
        }
        SourcePublisher publisher = new SourcePublisher(buffer);
        AutoCloseable source;
        try {
            Arguments arguments = arguments(call, compiled, document);
            limits.check(arguments.operation(), compiled.built().schema(), arguments);
            var field = arguments.operation().getTopLevelFields().getFirst();
            source = open(call, surface, compiled.built().subscriptions().get(field.getName()), arguments.of(field),
                    sources, publisher, overflow);
        } catch (CairnException e) {
            listener.error(errorList((List<?>) Errors.response(e).get("errors")));
            return NOTHING;
        } catch (graphql.GraphQLException e) {
            listener.error(errorList((List<?>) Errors.response(new CairnException(Problem.of(ErrorCode.INVALID_QUERY,
                    e.getMessage()))).get("errors")));
            return NOTHING;
        }
        ExecutionResult result = compiled.graphql().execute(input.graphQLContext(Map.of(SourcePublisher.class, publisher,
                Introspection.INTROSPECTION_DISABLED, !surface.entities().settings().introspection())).build());
        if (!(result.getData() instanceof org.reactivestreams.Publisher<?> events)) {
            close(source);
            listener.error(errorList((List<?>) Errors.specification(result).get("errors")));
            return NOTHING;
        }
        events.subscribe(new org.reactivestreams.Subscriber<Object>() {
            @Override
            public void onSubscribe(org.reactivestreams.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(Object each) {
                listener.next(Errors.specification((ExecutionResult) each));
            }

            @Override
            public void onError(Throwable t) {
                listener.error(errorList((List<?>) Errors.response(new CairnException(Problem.of(ErrorCode.INTERNAL_ERROR,
                        "the subscription failed"))).get("errors")));
            }

            @Override
            public void onComplete() {
                listener.complete();
            }
        });
        return () -> {
            close(source);
            publisher.complete();
        };
    }

    /** Opens the root field's source, authorized for the caller; its events go to the publisher. */
    private AutoCloseable open(Call call, Pipeline.Surface surface, SchemaFactory.Root root, Map<String, Object> args,
                               Sources sources, SourcePublisher publisher, Runnable overflow) {
        return switch (root) {
            case SchemaFactory.EntityChanges changes -> {
                @SuppressWarnings("unchecked")
                List<String> types = (List<String>) args.get("types");
                yield sources.entityChanges(call.principal().get(), call.target(), changes.entity().name(),
                        types == null ? java.util.Set.of() : new java.util.LinkedHashSet<>(types),
                        Optional.ofNullable((String) args.get("since")), event -> {
                            if (!publisher.offer(change(event))) {
                                overflow.run();
                            }
                        }, overflow);
            }
            case SchemaFactory.ExecutionUpdates updates -> playbooks.watch(new Playbooks.Scope(call.principal().get(),
                    surface.platform(), surface.entities().settings()), String.valueOf(args.get("executionId")), update -> {
                        if (!publisher.offer(Roots.ROWS.convertValue(update, MAP))) {
                            overflow.run();
                        }
                    });
            default -> throw new IllegalStateException("not a subscription field: " + root);
        };
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };

    /** An event of the stream as the change type reads it: its row under {@code data}. */
    private static Map<String, Object> change(JsonNode event) {
        Map<String, Object> out = new LinkedHashMap<>(Roots.ROWS.convertValue(event, MAP));
        out.put("data", out.remove("payload"));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> errorList(List<?> errors) {
        return (List<Map<String, Object>>) errors;
    }

    private static void close(AutoCloseable source) {
        try {
            source.close();
        } catch (Exception e) {
            // the source's own to log; the subscription is over either way
        }
    }

    private static Optional<OperationDefinition> operation(Document document, Optional<String> name) {
        List<OperationDefinition> operations = document.getDefinitionsOfType(OperationDefinition.class);
        if (name.isPresent()) {
            return operations.stream().filter(o -> name.get().equals(o.getName())).findFirst();
        }
        return operations.size() == 1 ? Optional.of(operations.getFirst()) : Optional.empty();
    }

    /**
     * Built schemas by (platform, schema checksum, settings): every tenant of one schema version shares
     * one. Each keeps its parsed and validated documents by query text.
     */
    static final class Schemas {
        private final int capacity;
        private final Map<Key, Compiled> cache;
        private final Playbooks playbooks;

        Schemas(int capacity, Playbooks playbooks) {
            this.capacity = capacity;
            this.cache = new LinkedHashMap<>(16, 0.75f, true);
            this.playbooks = playbooks;
        }

        record Key(String platform, String checksum, DataApiSettings settings) {
        }

        /** Whether any schema of the platform is cached: GraphQL serves it. */
        boolean serves(String platform) {
            synchronized (cache) {
                return cache.keySet().stream().anyMatch(k -> k.platform().equals(platform));
            }
        }

        boolean has(String platform, String checksum) {
            synchronized (cache) {
                return cache.keySet().stream().anyMatch(k -> k.platform().equals(platform) && k.checksum().equals(checksum));
            }
        }

        Compiled get(Pipeline.Surface surface) {
            Key key = new Key(surface.platform(), surface.checksum(), surface.entities().settings());
            synchronized (cache) {
                Compiled found = cache.get(key);
                if (found != null) {
                    return found;
                }
            }
            Compiled built = Compiled.of(SchemaFactory.build(surface, Fetchers.ROOT,
                    playbooks.available(surface.entities().settings())));
            synchronized (cache) {
                Compiled raced = cache.putIfAbsent(key, built);
                if (cache.size() > capacity) {
                    cache.remove(cache.keySet().iterator().next());
                }
                return raced != null ? raced : built;
            }
        }

        record Compiled(SchemaFactory.Built built, GraphQL graphql, Map<String, PreparsedDocumentEntry> documents,
                        Map<String, Map<String, Arguments.Template>> normalized) {

            /** The normalized operations kept for one query text, by operation name. */
            Map<String, Arguments.Template> templates(String query) {
                return normalized.computeIfAbsent(query, q -> new java.util.concurrent.ConcurrentHashMap<>());
            }


            private static final int MAX_DOCUMENTS = 500;

            static Compiled of(SchemaFactory.Built built) {
                Map<String, PreparsedDocumentEntry> documents = java.util.Collections.synchronizedMap(
                        new LinkedHashMap<>(16, 0.75f, true) {
                            @Override
                            protected boolean removeEldestEntry(Map.Entry<String, PreparsedDocumentEntry> eldest) {
                                return size() > MAX_DOCUMENTS;
                            }
                        });
                GraphQL graphql = GraphQL.newGraphQL(built.schema())
                        .defaultDataFetcherExceptionHandler(Errors.HANDLER)
                        .preparsedDocumentProvider((input, parse) -> CompletableFuture.completedFuture(
                                documents.computeIfAbsent(input.getQuery(), q -> parse.apply(input))))
                        .build();
                Map<String, Map<String, Arguments.Template>> normalized = java.util.Collections.synchronizedMap(
                        new LinkedHashMap<>(16, 0.75f, true) {
                            @Override
                            protected boolean removeEldestEntry(Map.Entry<String, Map<String, Arguments.Template>> eldest) {
                                return size() > MAX_DOCUMENTS;
                            }
                        });
                return new Compiled(built, graphql, documents, normalized);
            }

            PreparsedDocumentEntry document(String query, java.util.function.Function<String, ParseAndValidateResult> parse) {
                PreparsedDocumentEntry found = documents.get(query);
                if (found != null) {
                    return found;
                }
                ParseAndValidateResult result = parse.apply(query);
                PreparsedDocumentEntry entry = result.isFailure()
                        ? new PreparsedDocumentEntry(result.getErrors())
                        : new PreparsedDocumentEntry(result.getDocument());
                documents.put(query, entry);
                return entry;
            }
        }
    }
}
