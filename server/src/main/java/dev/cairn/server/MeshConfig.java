package dev.cairn.server;

import dev.cairn.mesh.MeshSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** The environment's word on the realm mesh: the console key, member tokens, NATS names. */
final class MeshConfig {

    private MeshConfig() {
    }

    static MeshSettings mesh(Env env) {
        Optional<String> secret = IdentityConfig.nonEmpty(env, "REALM_TOKEN_SECRET");
        if (secret.isPresent() && secret.get().getBytes(StandardCharsets.UTF_8).length < 32) {
            throw Env.bad("REALM_TOKEN_SECRET", "must be at least 32 bytes");
        }
        Optional<String> console = IdentityConfig.nonEmpty(env, "CONSOLE_API_KEY");
        if (console.isPresent() && console.get().length() < 16) {
            throw Env.bad("CONSOLE_API_KEY", "must be at least 16 characters");
        }
        String prefix = env.string("MESH_SUBJECT_PREFIX", "cairn-mesh");
        if (!prefix.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
            throw Env.bad("MESH_SUBJECT_PREFIX", "NATS subject tokens separated by dots, like cairn-mesh");
        }
        // Under the events stream's subjects, every mesh request would be answered by JetStream's ack instead.
        String events = env.string("EVENTS_SUBJECT_PREFIX", "cairn");
        if (prefix.equals(events) || prefix.startsWith(events + ".")) {
            throw Env.bad("MESH_SUBJECT_PREFIX", "must not be under EVENTS_SUBJECT_PREFIX (" + events
                    + "): the event stream would take the mesh's messages");
        }
        String bucket = env.string("MESH_PRESENCE_BUCKET", "cairn_mesh_presence");
        if (!bucket.matches("[A-Za-z0-9_-]+")) {
            throw Env.bad("MESH_PRESENCE_BUCKET", "letters, digits, '_' and '-'");
        }
        return new MeshSettings(console, secret, Duration.ofSeconds(env.integer("REALM_TOKEN_TTL_SECS", 3600, 60, 86_400)),
                prefix, bucket);
    }
}
