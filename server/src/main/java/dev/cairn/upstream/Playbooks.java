package dev.cairn.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.entity.DataApiSettings;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.events.NatsLink;
import dev.cairn.fleet.ControlDatabase;
import dev.cairn.identity.Principal;
import dev.cairn.policy.Action;
import dev.cairn.policy.Policy;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Upstream actions: playbooks run on a platform's workflow server (NoETL's REST contract). Every
 * start, read and watch asks the policy first ({@code execute} or {@code view} on the playbook's
 * path); a run started here is recorded, so its callbacks find it and its Idempotency-Key replays.
 * Progress comes from the server's NATS subject and from signed callbacks, as one stream.
 */
public final class Playbooks {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Execution ids become a URL segment and a NATS subject token: no dots, slashes or spaces. */
    private static final Pattern EXECUTION_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final Pattern PLAYBOOK = Pattern.compile("[A-Za-z0-9_./-]{1,512}");

    private final UpstreamSettings settings;
    private final NoetlClient client;
    private final ExecutionStore store;
    private final ExecutionUpdates updates;
    private final Policy policy;

    private Playbooks(UpstreamSettings settings, ExecutionStore store, ExecutionUpdates updates, Policy policy) {
        this.settings = settings;
        this.client = new NoetlClient(settings.timeout(), settings.retries());
        this.store = store;
        this.updates = updates;
        this.policy = policy;
    }

    public static Playbooks of(UpstreamSettings settings, ControlDatabase control, Optional<NatsLink> nats, Policy policy) {
        return new Playbooks(settings, new ExecutionStore(control), new ExecutionUpdates(nats, settings.updatesPrefix()),
                policy);
    }

    /** Whether a platform with these settings has a workflow server (and so the playbook fields). */
    public boolean available(DataApiSettings platform) {
        return platform.upstream().isPresent() || settings.baseUrl().isPresent();
    }

    /** Where one request acts: who asks, for which platform, under which settings. */
    public record Scope(Principal principal, String platform, DataApiSettings settings) {
    }

    /**
     * Starts playbook {@code name} with {@code variables}: {@code {id, executionId, requestId, name,
     * status, textOutput}}. With {@code clientId}, the variables also carry {@code request_id} (and
     * {@code gateway_url}) for the playbook's callbacks.
     */
    public ObjectNode execute(Scope scope, String name, JsonNode variables, Optional<String> clientId,
                              Optional<String> idempotencyKey) {
        if (!PLAYBOOK.matcher(name).matches() || name.contains("..")) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "name is a playbook path: letters, digits,"
                    + " '_', '-', '.' and '/'").with("field", "name"));
        }
        policy.authorize(scope::principal, new Action.UsePlaybook(name, "execute"));
        Upstream upstream = upstream(scope.settings());
        String requestId = UUID.randomUUID().toString();
        Optional<ExecutionStore.Run> earlier = store.begin(requestId, scope.platform(), name,
                scope.principal().actor(), clientId, idempotencyKey);
        if (earlier.isPresent()) {
            return (ObjectNode) earlier.get().answer().orElseThrow().deepCopy();
        }
        try {
            ObjectNode body = JSON.createObjectNode().put("path", name);
            body.set(upstream.runPlaybookApi() ? "args" : "payload", payload(variables, clientId, requestId));
            NoetlClient.Reply reply = client.post(upstream, upstream.runPlaybookApi() ? "/api/run/playbook" : "/api/execute",
                    body);
            if (reply.status() == 404) {
                throw new CairnException(Problem.of(ErrorCode.UPSTREAM_FAILED, "the workflow server " + upstream.describe()
                        + " has no start route (HTTP 404): check its executeApi setting").with("upstream_status", 404));
            }
            String executionId = text(reply.body(), "execution_id", "executionId", "id").orElseThrow(() ->
                    CairnException.of(ErrorCode.UPSTREAM_FAILED, "the workflow server " + upstream.describe()
                            + " started the playbook but named no execution_id"));
            ObjectNode answer = JSON.createObjectNode();
            answer.put("id", executionId).put("executionId", executionId).put("requestId", requestId).put("name", name)
                    .put("status", text(reply.body(), "status").orElse("STARTED")).putNull("textOutput");
            store.started(requestId, executionId, answer);
            return answer;
        } catch (RuntimeException e) {
            store.failed(requestId);
            throw e;
        }
    }

    private ObjectNode payload(JsonNode given, Optional<String> clientId, String requestId) {
        JsonNode variables = given == null || given.isMissingNode() ? null : given;
        if (variables != null && !variables.isNull() && !variables.isObject()) {
            if (clientId.isPresent()) {
                throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "variables must be an object when"
                        + " clientId is given: request_id is added to it").with("field", "variables"));
            }
            return (ObjectNode) JSON.createObjectNode().set("value", variables);
        }
        ObjectNode payload = variables == null || variables.isNull() ? JSON.createObjectNode() : ((ObjectNode) variables).deepCopy();
        clientId.ifPresent(c -> {
            payload.put("request_id", requestId);
            settings.publicUrl().ifPresent(u -> payload.put("gateway_url", u.toString()));
        });
        return payload;
    }

    /** An execution's status and result ({@code null} when the server knows no such execution). */
    public Optional<ObjectNode> execution(Scope scope, String executionId) {
        checkId(executionId);
        Upstream upstream = upstream(scope.settings());
        Optional<ExecutionStore.Run> run = store.byExecution(executionId);
        if (run.isPresent() && !run.get().platform().equals(scope.platform())) {
            return Optional.empty(); // another platform's run: as if it did not exist
        }
        NoetlClient.Reply reply = client.get(upstream, "/api/executions/" + URLEncoder.encode(executionId, StandardCharsets.UTF_8));
        if (reply.status() == 404) {
            return Optional.empty();
        }
        String path = run.map(ExecutionStore.Run::playbook)
                .or(() -> text(reply.body(), "path", "playbook_path", "catalog_path")).orElse("");
        policy.authorize(scope::principal, new Action.UsePlaybook(path, "view"));
        ObjectNode out = JSON.createObjectNode();
        out.put("id", executionId).put("executionId", executionId);
        text(reply.body(), "status").ifPresentOrElse(s -> out.put("status", s), () -> out.putNull("status"));
        out.put("path", path);
        out.set("result", reply.body().has("result") ? reply.body().get("result") : JSON.nullNode());
        out.set("raw", reply.body());
        return Optional.of(out);
    }

    /**
     * Delivers the execution's later updates to {@code sink} until the handle is closed, once the
     * principal may {@code view} its playbook.
     */
    public AutoCloseable watch(Scope scope, String executionId, Consumer<JsonNode> sink) {
        checkId(executionId);
        Optional<ExecutionStore.Run> run = store.byExecution(executionId);
        if (run.isPresent()) {
            if (!run.get().platform().equals(scope.platform())) {
                throw notFound(executionId);
            }
            policy.authorize(scope::principal, new Action.UsePlaybook(run.get().playbook(), "view"));
        } else if (execution(scope, executionId).isEmpty()) { // a run started elsewhere: read, and so authorized, there
            throw notFound(executionId);
        }
        return updates.subscribe(executionId, sink);
    }

    /**
     * A signed callback {@code {request_id, execution_id?, step?, status, data}}: published as an
     * update of its run's execution. {@code {delivered, message}}.
     */
    public ObjectNode callback(byte[] body, Optional<String> signature) {
        String secret = settings.callbackSecret().orElseThrow(() -> CallbackSignature.refused(
                "CALLBACK_SECRET is not set on this server, so no callback can be trusted"));
        String v1 = CallbackSignature.verify(secret, signature.orElseThrow(() -> CallbackSignature.refused(
                "it is not signed: send " + CallbackSignature.HEADER)), body, settings.callbackWindow(), Instant.now());
        if (!store.firstSighting(v1)) {
            throw CallbackSignature.refused("it is a replay of a callback already accepted");
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw CairnException.of(ErrorCode.INVALID_REQUEST, "a callback is a JSON object {request_id, execution_id?,"
                    + " step?, status, data}");
        }
        String requestId = text(json, "request_id").orElseThrow(() -> new CairnException(Problem.of(
                ErrorCode.VALIDATION_ERROR, "request_id is required").with("field", "request_id")));
        Optional<String> given = text(json, "execution_id");
        given.ifPresent(this::checkId);
        Optional<ExecutionStore.Run> run = store.byRequest(requestId);
        if (run.isEmpty()) {
            return delivered(false, "no run was started with request_id " + requestId);
        }
        if (given.isPresent() && run.get().executionId().filter(id -> !id.equals(given.get())).isPresent()) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "execution_id " + given.get()
                    + " is not the execution of request " + requestId).with("field", "execution_id"));
        }
        Optional<String> executionId = run.get().executionId().or(() -> given);
        if (executionId.isEmpty()) {
            return delivered(false, "the execution of request " + requestId + " is not known yet: send execution_id");
        }
        if (run.get().executionId().isEmpty()) {
            store.learnt(requestId, executionId.get());
        }
        ObjectNode update = JSON.createObjectNode();
        update.put("request_id", requestId);
        text(json, "step").ifPresent(s -> update.put("step", s));
        update.put("status", text(json, "status").orElse("success"));
        update.set("data", json.has("data") ? json.get("data") : JSON.nullNode());
        update.put("source", "callback");
        update.put("timestamp", Instant.now().toString());
        updates.publish(executionId.get(), update);
        return delivered(true, "delivered to the watchers of execution " + executionId.get());
    }

    /** Old signatures and week-old runs: run now and then by the gateway's housekeeping. */
    public void purge() {
        store.purge(settings.callbackWindow());
    }

    private Upstream upstream(DataApiSettings platform) {
        if (platform.upstream().isPresent()) {
            DataApiSettings.Upstream own = platform.upstream().get();
            return new Upstream(own.baseUrl(), own.runPlaybookApi(), Optional.empty());
        }
        return settings.baseUrl().map(url -> new Upstream(url, settings.runPlaybookApi(), settings.apiToken()))
                .orElseThrow(() -> CairnException.of(ErrorCode.UPSTREAM_NOT_CONFIGURED, "this platform has no workflow"
                        + " server: set NOETL_BASE_URL, or upstream.baseUrl in the platform's settings"));
    }

    private void checkId(String executionId) {
        if (!EXECUTION_ID.matcher(executionId).matches()) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "an execution id is 1 to 128 letters,"
                    + " digits, '_' or '-'").with("field", "executionId"));
        }
    }

    private static CairnException notFound(String executionId) {
        return CairnException.of(ErrorCode.RECORD_NOT_FOUND, "no execution " + executionId);
    }

    private static ObjectNode delivered(boolean delivered, String message) {
        return JSON.createObjectNode().put("delivered", delivered).put("message", message);
    }

    private static Optional<String> text(JsonNode json, String... fields) {
        for (String f : fields) {
            JsonNode v = json.path(f);
            if (v.isTextual() && !v.textValue().isEmpty() || v.isNumber()) {
                return Optional.of(v.asText());
            }
        }
        return Optional.empty();
    }
}
