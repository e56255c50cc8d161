package dev.cairn.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.data.Idempotency;
import dev.cairn.data.Target;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.graphql.GraphqlExecutor;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /graphql}: {@code POST} with {@code {query, variables?, operationName?}}, {@code GET} with
 * the same as query parameters (queries only), and GraphiQL for a browser's {@code GET}. The scope
 * (platform, tenant) is the data API's; the engine runs the request on the pipeline. A GraphQL
 * answer is {@code 200} with {@code data} and {@code errors}; a request that is not GraphQL at all
 * (no body, no query) is a Cairn JSON error.
 */
final class GraphqlRoutes {

    static final String PATH = "/graphql";
    private static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");

    private final GraphqlExecutor engine;
    private final Optional<String> defaultPlatform;
    private final long maxJsonBytes;

    GraphqlRoutes(GraphqlExecutor engine, Optional<String> defaultPlatform, long maxJsonBytes) {
        this.engine = engine;
        this.defaultPlatform = defaultPlatform;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, PATH, this::post);
        table.get(routing, PATH, this::get);
    }

    private void post(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        run(req, res, body, false);
    }

    private void get(ServerRequest req, ServerResponse res) {
        if (!req.query().contains("query") && GraphiQL.wanted(req)) {
            GraphiQL.send(res);
            return;
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("query", req.query().first("query").orElseThrow(() -> invalid("query",
                "GET /graphql takes the document in ?query= (open it in a browser for GraphiQL)")));
        req.query().first("operationName").ifPresent(n -> body.put("operationName", n));
        Optional<String> variables = req.query().first("variables").filter(v -> !v.isBlank());
        if (variables.isPresent()) {
            try {
                body.set("variables", Json.MAPPER.readTree(variables.get()));
            } catch (JsonProcessingException e) {
                throw invalid("variables", "variables is not valid JSON: " + e.getOriginalMessage());
            }
        }
        run(req, res, body, true);
    }

    private void run(ServerRequest req, ServerResponse res, JsonNode body, boolean readOnly) {
        JsonNode query = body.get("query");
        if (query == null || !query.isTextual() || query.textValue().isBlank()) {
            throw invalid("query", "a GraphQL request is {\"query\": \"...\", \"variables\"?: {...}, \"operationName\"?: \"...\"}");
        }
        JsonNode variables = body.get("variables");
        if (variables != null && !variables.isNull() && !variables.isObject()) {
            throw invalid("variables", "variables is an object");
        }
        JsonNode operationName = body.get("operationName");
        if (operationName != null && !operationName.isNull() && !operationName.isTextual()) {
            throw invalid("operationName", "operationName is a string");
        }
        Target.Tenant target = DataScopes.graphql(req, defaultPlatform);
        RequestIdentity identity = RequestIdentity.of(req);
        Map<String, Object> vars = variables == null || variables.isNull() ? Map.of() : Json.map(variables);
        String text = query.textValue();
        Map<String, Object> answer = engine.execute(new GraphqlExecutor.Call(identity::principal, target, text,
                Optional.ofNullable(operationName).filter(JsonNode::isTextual).map(JsonNode::textValue), vars, readOnly,
                () -> req.headers().first(IDEMPOTENCY_KEY).map(k -> Idempotency.key(k, "POST", PATH,
                        target.tenant().orElse(""), identity.principal().actor(), body))));
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(bytes(answer));
    }

    /**
     * The answer's bytes. Rows copied as PostgreSQL wrote them ({@code data} raw JSON) are written
     * as they are: Jackson would copy the same characters through its generator, a tenth of a list's CPU.
     */
    private static byte[] bytes(Map<String, Object> answer) {
        if (!(answer.get("data") instanceof com.fasterxml.jackson.databind.util.RawValue raw) || answer.size() > 2) {
            return Json.bytes(answer);
        }
        String data = raw.rawValue().toString();
        StringBuilder out = new StringBuilder(data.length() + 96).append("{\"data\":").append(data);
        if (answer.get("extensions") instanceof Map<?, ?> extensions && extensions.get("cost") instanceof Map<?, ?> cost) {
            // {"cost": {"estimated", "limit"}, "statements"}: numbers only, written as Jackson would
            out.append(",\"extensions\":{\"cost\":{\"estimated\":").append(cost.get("estimated"))
                    .append(",\"limit\":").append(cost.get("limit")).append("},\"statements\":")
                    .append(extensions.get("statements")).append('}');
        }
        return out.append('}').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static CairnException invalid(String field, String message) {
        return new CairnException(Problem.of(ErrorCode.INVALID_REQUEST, message).with("field", field));
    }
}
