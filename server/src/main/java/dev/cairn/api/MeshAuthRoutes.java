package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.identity.Principal;
import dev.cairn.mesh.MeshTokens;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The InterRealm gateway's token routes: {@code POST /api/auth/token {apiToken}} turns a member's
 * API key or the console key into a short-lived JWT ({@code {success, token, expiresIn}}), and
 * {@code POST /api/auth/verify} says what a bearer token is. Failures are Cairn's error body with
 * the seed's {@code success:false} beside it.
 */
final class MeshAuthRoutes {

    private final MeshTokens tokens;
    private final long maxJsonBytes;

    MeshAuthRoutes(MeshTokens tokens, long maxJsonBytes) {
        this.tokens = tokens;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/api/auth/token", this::token);
        table.post(routing, "/api/auth/verify", this::verify);
    }

    private void token(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        JsonNode apiToken = body.path("apiToken");
        if (!apiToken.isTextual() || apiToken.asText().isBlank()) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "API token is required")
                    .with("field", "apiToken").with("success", false));
        }
        MeshTokens.Issued issued = tokens.exchange(apiToken.asText()).orElseThrow(() -> new CairnException(
                Problem.of(ErrorCode.UNAUTHORIZED, "Authentication failed").with("success", false)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", true);
        out.put("token", issued.token());
        out.put("expiresIn", issued.expiresIn());
        out.put("expiresInSeconds", issued.expiresInSeconds());
        Responses.json(res, 200, out);
    }

    private void verify(ServerRequest req, ServerResponse res) {
        Principal principal = RequestIdentity.of(req).principal();
        Map<String, Object> payload = new LinkedHashMap<>();
        switch (principal) {
            case Principal.Network n -> throw new CairnException(Problem.of(ErrorCode.UNAUTHORIZED,
                    "no token: send 'Authorization: Bearer <token>'").with("success", false));
            case Principal.Console c -> {
                payload.put("sub", "nexus-console");
                payload.put("type", "console");
            }
            case Principal.Member m -> {
                payload.put("sub", m.memberId());
                payload.put("memberId", m.memberId());
                payload.put("realmId", m.realmId());
                payload.put("type", "member");
                m.platform().ifPresent(p -> payload.put("platform", p));
                m.tenant().ifPresent(t -> payload.put("tenant", t));
            }
            case Principal.Claims user -> {
                payload.put("sub", user.subject());
                payload.put("type", user.kind());
                payload.put("roles", user.roles());
                user.platform().ifPresent(p -> payload.put("platform", p));
                user.tenant().ifPresent(t -> payload.put("tenant", t));
            }
            case Principal.Admin a -> payload.put("type", "admin");
            case Principal.PlatformToken p -> {
                payload.put("type", "platform");
                payload.put("platform", p.platform());
            }
        }
        Responses.json(res, 200, Map.of("success", true, "payload", payload));
    }
}
