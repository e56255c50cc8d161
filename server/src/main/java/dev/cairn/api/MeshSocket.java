package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.Problem;
import dev.cairn.identity.Authenticator;
import dev.cairn.identity.NetworkPolicy;
import dev.cairn.mesh.Frames;
import dev.cairn.mesh.Link;
import dev.cairn.mesh.Mesh;
import io.helidon.websocket.WsSession;
import java.util.Map;

/**
 * The realm mesh's WebSocket, {@code GET /gateway?token=<JWT>} (or {@code Authorization}): the
 * credentials are checked when the connection opens (a missing or bad token closes it with 4001,
 * a principal that is not a realm member with 4003), then every {@code {type, payload}} frame goes
 * to the member's {@link Mesh.Session}. Frames to the member go through the socket's one sender.
 */
final class MeshSocket extends FramedSocket implements Link {

    static final String PATH = "/gateway";
    static final String MONITOR = "/monitor";

    private final Mesh mesh;
    private Mesh.Session session;

    MeshSocket(EventFace face, Authenticator authenticator, NetworkPolicy network, Mesh mesh) {
        super(face, authenticator, network);
        this.mesh = mesh;
    }

    @Override
    void opened() {
        session = mesh.open(authenticate(authorization), this);
        subscriptions.put("mesh", session::closed);
    }

    @Override
    void refusedAtOpen(WsSession ws, Problem problem) {
        ws.send(Json.write(Map.of("type", "error", "payload", Map.of("error", Map.of("code", Frames.code(problem.code()),
                "message", problem.message())))), true);
    }

    @Override
    void frame(String text) {
        JsonNode frame;
        try {
            frame = Frames.read(text);
        } catch (CairnException e) {
            queue(Json.write(Map.of("type", "error", "payload", Map.of("error", Map.of("code", "INVALID_REQUEST",
                    "message", e.getMessage())))));
            return;
        }
        session.frame(frame);
    }

    @Override
    public boolean send(String frame) {
        queue(frame);
        return !closed;
    }

    @Override
    public void close(int code, String reason) {
        end(code, reason);
    }
}
