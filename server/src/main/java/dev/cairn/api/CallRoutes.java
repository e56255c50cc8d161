package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cairn.data.CallRequest;
import dev.cairn.data.Caller;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * {@code POST /call}: parse, then hand to the {@link Caller}. Accepts the v1 body
 * {@code {platform, tenant_id?, function, params}} and the v4 body
 * {@code {platform, schema_name, uuid?, function, params}}.
 */
final class CallRoutes {

    private final Caller caller;
    private final long maxJsonBytes;

    CallRoutes(Caller caller, long maxJsonBytes) {
        this.caller = caller;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/call", this::call);
    }

    private void call(ServerRequest req, ServerResponse res) {
        long started = System.nanoTime();
        CallRequest request = parse(Bodies.jsonObject(req, maxJsonBytes));
        AccessFilter.subject(request.platform(), switch (request.target()) {
            case CallRequest.Tenant t -> t.tenantId();
            case CallRequest.SchemaDatabase s -> s.uuid();
        });
        long parsed = System.nanoTime();
        Caller.Result result;
        Optional<byte[]> whole;
        try (CallBody body = new CallBody(() -> streaming(res))) {
            result = caller.call(request, body);
            whole = body.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("client went away while the result was streaming", e);
        }
        whole.ifPresent(body -> {
            ServerTiming.send(res, parsed - started, result.routeNanos(), result.planNanos(), result.executeNanos());
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(body);
        });
    }

    static CallRequest parse(JsonNode body) {
        String platform = Bodies.text(body, "platform");
        String function = Bodies.text(body, "function");
        JsonNode params = Optional.ofNullable(body.get("params")).orElse(MissingNode.getInstance());
        Optional<String> schema = Bodies.optionalText(body, "schema_name");
        CallRequest.Target target = schema.isPresent()
                ? new CallRequest.SchemaDatabase(schema.get(), Bodies.optionalText(body, "uuid"))
                : new CallRequest.Tenant(Bodies.optionalText(body, "tenant_id"));
        return new CallRequest(platform, target, function, params);
    }

    /** A result too large to buffer: headers go now, the body streams (chunked). */
    private static OutputStream streaming(ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        return res.outputStream();
    }
}
