package dev.cairn.api;

import dev.cairn.error.ErrorCode;
import dev.cairn.upstream.CallbackSignature;
import dev.cairn.upstream.Playbooks;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /api/internal/callback}: a playbook step reporting back ({@code {request_id,
 * execution_id?, step?, status, data}}). Only a body signed with {@code CALLBACK_SECRET} is taken
 * (the NoETL gateway took anyone's, which let a forged callback log someone in); the signature is
 * checked over the exact bytes received, so the body is read raw.
 */
final class CallbackRoutes {

    private final Playbooks playbooks;
    private final long maxJsonBytes;

    CallbackRoutes(Playbooks playbooks, long maxJsonBytes) {
        this.playbooks = playbooks;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/api/internal/callback", this::callback);
    }

    private void callback(ServerRequest req, ServerResponse res) {
        byte[] body = Bodies.read(req, maxJsonBytes, ErrorCode.PAYLOAD_TOO_LARGE, "MAX_JSON_BYTES");
        Responses.json(res, 200, playbooks.callback(body,
                req.headers().first(HeaderNames.create(CallbackSignature.HEADER))));
    }
}
