package dev.cairn.api;

import dev.cairn.error.Problem;
import dev.cairn.identity.Authenticator;
import dev.cairn.identity.NetworkPolicy;
import dev.cairn.mesh.Link;
import dev.cairn.mesh.Mesh;
import dev.cairn.policy.Action;
import dev.cairn.policy.Policy;
import io.helidon.websocket.WsSession;
import java.util.Map;

/**
 * {@code GET /monitor}: the mesh's connections and traffic on this instance as they happen, for
 * the console token or the admin token only (the seed's was open to anyone). Read-only: frames
 * from the client are ignored.
 */
final class MonitorSocket extends FramedSocket implements Link {

    private final Mesh mesh;
    private final Policy policy;

    MonitorSocket(EventFace face, Authenticator authenticator, NetworkPolicy network, Mesh mesh, Policy policy) {
        super(face, authenticator, network);
        this.mesh = mesh;
        this.policy = policy;
    }

    @Override
    void opened() {
        var principal = authenticate(authorization);
        policy.authorize(() -> principal, new Action.AdministerRealms());
        subscriptions.put("monitor", mesh.monitor(this));
    }

    @Override
    void refusedAtOpen(WsSession ws, Problem problem) {
        ws.send(Json.write(Map.of("type", "error", "payload", HttpErrors.fields(problem))), true);
    }

    @Override
    void frame(String text) {
    }

    @Override
    public boolean send(String frame) {
        // A monitor that cannot keep up loses frames rather than being cut off: it only watches.
        if (!closed) {
            offer(frame);
        }
        return !closed;
    }

    @Override
    public void close(int code, String reason) {
        end(code, reason);
    }
}
