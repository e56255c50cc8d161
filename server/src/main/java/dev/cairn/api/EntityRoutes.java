package dev.cairn.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.data.Idempotency;
import dev.cairn.data.ListArgs;
import dev.cairn.data.Operation;
import dev.cairn.data.Pipeline;
import dev.cairn.data.Request;
import dev.cairn.data.Target;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.policy.DataScope;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data API ({@code /v1}, the Panorama gateway's contract) over a platform's tables: parse the
 * request, resolve its scope (platform and tenant from the credentials, headers only where they
 * agree), hand the request to the {@link Pipeline}, write the body. No SQL here.
 */
final class EntityRoutes {

    private static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");
    private static final HeaderName REPLAY = HeaderNames.create("x-idempotent-replay");

    private final Pipeline pipeline;
    private final Optional<String> defaultPlatform;
    private final long maxJsonBytes;

    EntityRoutes(Pipeline pipeline, Optional<String> defaultPlatform, long maxJsonBytes) {
        this.pipeline = pipeline;
        this.defaultPlatform = defaultPlatform;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.get(routing, "/v1/openapi.json", this::openApi);
        table.post(routing, "/v1/_transact", this::transact);
        table.get(routing, "/v1/{entity}", this::list);
        table.post(routing, "/v1/{entity}", this::create);
        table.post(routing, "/v1/{entity}/_search-embedding", this::search);
        table.get(routing, "/v1/{entity}/{id}", this::get);
        table.patch(routing, "/v1/{entity}/{id}", this::update);
        table.delete(routing, "/v1/{entity}/{id}", this::delete);
    }

    // ---- reads ---------------------------------------------------------------------------------------

    private void list(ServerRequest req, ServerResponse res) {
        long started = System.nanoTime();
        DataScope scope = scope(req);
        ListArgs args = ListArgs.forList(query(req));
        read(req, res, started, scope, new Operation.ListRows(entity(req), args),
                new EntityBody(EntityBody.Shape.PAGE, args.take(), args.skip()));
    }

    private void get(ServerRequest req, ServerResponse res) {
        long started = System.nanoTime();
        DataScope scope = scope(req);
        read(req, res, started, scope, new Operation.GetRow(entity(req), rawSegment(req, 3), ListArgs.forGet(query(req))),
                new EntityBody(EntityBody.Shape.ROW, 0, 0));
    }

    private void search(ServerRequest req, ServerResponse res) {
        long started = System.nanoTime();
        DataScope scope = scope(req);
        JsonNode json = Bodies.jsonObject(req, maxJsonBytes);
        read(req, res, started, scope, new Operation.SearchEmbedding(entity(req), json),
                new EntityBody(EntityBody.Shape.HITS, 0, 0));
    }

    private void read(ServerRequest req, ServerResponse res, long started, DataScope scope, Operation op, EntityBody body) {
        long parsed = System.nanoTime();
        Pipeline.Stages stages = pipeline.read(request(req, scope, op), body);
        ServerTiming.send(res, parsed - started, stages.routeNanos(), stages.planNanos(), stages.executeNanos());
        send(res, 200, body.bytes());
    }

    private void openApi(ServerRequest req, ServerResponse res) {
        DataScope scope = scope(req);
        // every exposed entity, whatever the token's roles allow
        send(res, 200, Json.bytes(EntityOpenApi.document(pipeline.exposed(target(scope)), pipeline.retention())));
    }

    // ---- writes --------------------------------------------------------------------------------------

    private void create(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.json(req, maxJsonBytes);
        write(req, res, body, new Operation.CreateRows(entity(req), body));
    }

    private void update(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        write(req, res, body, new Operation.UpdateRow(entity(req), rawSegment(req, 3), body));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        write(req, res, null, new Operation.DeleteRow(entity(req), rawSegment(req, 3)));
    }

    private void transact(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        write(req, res, body, transaction(body));
    }

    /** {@code {ops: [{op, entity, args}]}}: each op as its single-route twin takes it. */
    static Operation.Transact transaction(JsonNode body) {
        JsonNode ops = body.get("ops");
        if (ops == null || !ops.isArray() || ops.isEmpty()) {
            throw invalid("ops", "a transaction is {ops: [{op: \"create\"|\"update\"|\"delete\", entity, args}]}"
                    + " with at least one op");
        }
        List<Operation> list = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            JsonNode op = ops.get(i);
            String at = "ops[" + i + "]";
            if (!op.isObject()) {
                throw invalid(at, at + " is an object {op, entity, args}");
            }
            op.fieldNames().forEachRemaining(k -> {
                if (!List.of("op", "entity", "args").contains(k)) {
                    throw invalid(at + "." + k, at + " has no field " + k + "; an op is {op, entity, args}");
                }
            });
            String entity = text(op, "entity", at);
            JsonNode args = op.get("args");
            if (args == null || !args.isObject()) {
                throw invalid(at + ".args", at + ".args is an object");
            }
            list.add(switch (text(op, "op", at)) {
                case "create" -> new Operation.CreateRows(entity, required(args, "data", at));
                case "update" -> new Operation.UpdateRow(entity, id(args, at), required(args, "data", at));
                case "delete" -> new Operation.DeleteRow(entity, id(args, at));
                default -> throw invalid(at + ".op", at + ".op is create, update or delete");
            });
        }
        return new Operation.Transact(list);
    }

    private static String id(JsonNode args, String at) {
        JsonNode id = args.get("id");
        if (id == null || !(id.isTextual() || id.isNumber())) {
            throw invalid(at + ".args.id", at + ".args.id is the row's id, as in /v1/{entity}/{id}");
        }
        return id.asText();
    }

    private static JsonNode required(JsonNode args, String field, String at) {
        JsonNode v = args.get(field);
        if (v == null || v.isNull()) {
            throw invalid(at + ".args." + field, at + ".args." + field + " is required");
        }
        return v;
    }

    private static String text(JsonNode op, String field, String at) {
        JsonNode v = op.get(field);
        if (v == null || !v.isTextual()) {
            throw invalid(at + "." + field, at + "." + field + " is required (a string)");
        }
        return v.textValue();
    }

    /**
     * A write with its idempotency key (the {@link Pipeline} requires one unless the platform turned that
     * off): the answer is stored with the key in the write's transaction, and a replay answers it
     * again, marked.
     */
    private void write(ServerRequest req, ServerResponse res, JsonNode body, Operation op) {
        DataScope scope = scope(req);
        RequestIdentity identity = RequestIdentity.of(req);
        Optional<Idempotency.Key> key = req.headers().first(IDEMPOTENCY_KEY).map(k -> Idempotency.key(k, req.prologue().method().text(),
                req.path().rawPath(), scope.tenant(), identity.principal().actor(), body));
        Pipeline.Written written = pipeline.write(request(req, scope, op), key, results -> answer(op, results));
        Idempotency.Answer answer = written.answer();
        res.status(Status.create(answer.status()));
        answer.headers().forEach((name, value) -> res.header(HeaderNames.create(name), value));
        if (written.replay()) {
            res.header(REPLAY, "true");
        }
        res.send(answer.body());
    }

    /** The answer of a write from each op's rows (JSON objects). */
    private static Idempotency.Answer answer(Operation op, List<List<String>> results) {
        Map<String, String> json = Map.of("content-type", "application/json");
        return switch (op) {
            case Operation.CreateRows create -> new Idempotency.Answer(201, json, rows(create, results.get(0)));
            case Operation.UpdateRow update -> new Idempotency.Answer(200, json, results.get(0).get(0).getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            case Operation.DeleteRow delete -> new Idempotency.Answer(204, Map.of(), new byte[0]);
            case Operation.Transact transact -> new Idempotency.Answer(200, json, transactBody(transact, results));
            default -> throw new IllegalArgumentException("not a write: " + op);
        };
    }

    private static byte[] rows(Operation.CreateRows create, List<String> rows) {
        if (!create.data().isArray()) {
            return rows.get(0).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return write(g -> {
            g.writeStartArray();
            for (String row : rows) {
                g.writeRawValue(row);
            }
            g.writeEndArray();
        });
    }

    private static byte[] transactBody(Operation.Transact transact, List<List<String>> results) {
        return write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("data");
            for (int i = 0; i < results.size(); i++) {
                List<String> rows = results.get(i);
                boolean many = transact.ops().get(i) instanceof Operation.CreateRows c && c.data().isArray();
                if (many) {
                    g.writeStartArray();
                }
                for (String row : rows) {
                    g.writeRawValue(row);
                }
                if (many) {
                    g.writeEndArray();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private interface Writing {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Writing writing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            writing.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    // ---- request pieces ------------------------------------------------------------------------------

    private DataScope scope(ServerRequest req) {
        return DataScopes.of(req, defaultPlatform);
    }

    private static Target target(DataScope scope) {
        return new Target.Tenant(scope.platform(), Optional.of(scope.tenant()));
    }

    private static Request request(ServerRequest req, DataScope scope, Operation op) {
        return new Request(RequestIdentity.of(req)::principal, target(scope), op);
    }

    private static String entity(ServerRequest req) {
        return req.path().pathParameters().get("entity");
    }

    /** A path segment as it was sent (still encoded): composite ids are split before they are decoded. */
    private static String rawSegment(ServerRequest req, int index) {
        String[] segments = req.path().rawPath().split("/", -1);
        return index < segments.length ? segments[index] : "";
    }

    private static Map<String, List<String>> query(ServerRequest req) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (String name : req.query().names()) {
            query.put(name, req.query().all(name));
        }
        return query;
    }

    private static void send(ServerResponse res, int status, byte[] body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    private static CairnException invalid(String field, String message) {
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, message).with("field", field));
    }
}
