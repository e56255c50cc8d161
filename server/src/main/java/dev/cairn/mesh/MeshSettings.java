package dev.cairn.mesh;

import java.time.Duration;
import java.util.Optional;

/**
 * The realm mesh's configuration.
 *
 * @param consoleKey     {@code CONSOLE_API_KEY}: the console's key, exchanged for a console token
 * @param tokenSecret    {@code REALM_TOKEN_SECRET}: signs member and console tokens (the same on every instance)
 * @param tokenTtl       {@code REALM_TOKEN_TTL_SECS}: how long such a token lives
 * @param subjectPrefix  {@code MESH_SUBJECT_PREFIX}: the NATS subjects instances talk on
 * @param presenceBucket {@code MESH_PRESENCE_BUCKET}: the NATS key-value bucket of who is online
 */
public record MeshSettings(Optional<String> consoleKey, Optional<String> tokenSecret, Duration tokenTtl,
                           String subjectPrefix, String presenceBucket) {
}
