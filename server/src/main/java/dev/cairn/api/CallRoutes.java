package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cairn.data.Operation;
import dev.cairn.data.Pipeline;
import dev.cairn.data.Request;
import dev.cairn.data.Target;
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
 * {@code POST /call}: parse, then hand the request to the {@link Pipeline}. Accepts the v1 body
 * {@code {platform, tenant_id?, function, params}} and the v4 body
 * {@code {platform, schema_name, uuid?, function, params}}.
 */
final class CallRoutes {

    private final Pipeline pipeline;
    private final long maxJsonBytes;

    CallRoutes(Pipeline pipeline, long maxJsonBytes) {
        this.pipeline = pipeline;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/call", this::call);
    }

    private void call(ServerRequest req, ServerResponse res) {
        long started = System.nanoTime();
        Request request = parse(Bodies.jsonObject(req, maxJsonBytes), RequestIdentity.of(req));
        AccessFilter.subject(request.target().platform(), switch (request.target()) {
            case Target.Tenant t -> t.tenant();
            case Target.SchemaDatabase s -> s.uuid();
        });
        long parsed = System.nanoTime();
        Pipeline.Stages result;
        Optional<byte[]> whole;
        try (CallBody body = new CallBody(() -> streaming(res))) {
            result = pipeline.call(request, body);
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

    static Request parse(JsonNode body, RequestIdentity identity) {
        String platform = Bodies.text(body, "platform");
        String function = Bodies.text(body, "function");
        JsonNode params = Optional.ofNullable(body.get("params")).orElse(MissingNode.getInstance());
        Optional<String> schema = Bodies.optionalText(body, "schema_name");
        Target target = schema.isPresent()
                ? new Target.SchemaDatabase(platform, schema.get(), Bodies.optionalText(body, "uuid"))
                : new Target.Tenant(platform, Bodies.optionalText(body, "tenant_id"));
        return new Request(identity::principal, target, new Operation.Call(function, params));
    }

    /** A result too large to buffer: headers go now, the body streams (chunked). */
    private static OutputStream streaming(ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        return res.outputStream();
    }
}
