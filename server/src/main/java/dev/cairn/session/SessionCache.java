package dev.cairn.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.events.NatsLink;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions cached in a NATS key-value bucket, shared by every instance: keyed by the token's hash
 * (never the token), each entry expires with the bucket's TTL. Logging out writes a tombstone, so an
 * instance that read the session just before cannot put it back; a re-cache only creates an absent
 * key. A cache is never the truth: an entry is honoured only before its own expiry, and with NATS
 * away every answer comes from the control database. Tombstones that could not be written are
 * written when NATS is back.
 */
final class SessionCache {

    private static final Logger LOG = LoggerFactory.getLogger(SessionCache.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A cache that answers slower than this is worse than the database: given up on for the request. */
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    private static final byte[] TOMBSTONE = "{\"revoked\":true}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final Optional<NatsLink> link;
    private final String bucket;
    private final Duration ttl;
    private final Set<String> pendingTombstones = ConcurrentHashMap.newKeySet();
    private volatile KeyValue kv;

    SessionCache(Optional<NatsLink> link, String bucket, Duration ttl) {
        this.link = link;
        this.bucket = bucket;
        this.ttl = ttl;
    }

    /** What the cache holds for a key: a session, a logout, or nothing. */
    sealed interface Cached {
    }

    record Hit(SessionRecord session) implements Cached {
    }

    record Revoked() implements Cached {
    }

    Optional<Cached> get(String key) {
        Optional<KeyValue> store = store();
        if (store.isEmpty()) {
            return Optional.empty();
        }
        try {
            KeyValueEntry entry = store.get().get(key);
            if (entry == null || entry.getValue() == null) {
                return Optional.empty();
            }
            JsonNode v = JSON.readTree(entry.getValue());
            if (v.path("revoked").asBoolean(false)) {
                return Optional.of(new Revoked());
            }
            return Optional.of(new Hit(read(v)));
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            failed("read", e);
            return Optional.empty();
        }
    }

    /** Caches a session: at login (any prior entry replaced), or after a miss (only if the key is still absent). */
    void put(String key, SessionRecord session, boolean replace) {
        store().ifPresent(s -> {
            try {
                byte[] value = JSON.writeValueAsBytes(write(session));
                if (replace) {
                    s.put(key, value);
                } else {
                    s.create(key, value);
                }
            } catch (JetStreamApiException e) {
                if (replace) {
                    failed("write", e);
                } // else: someone cached it (or logged it out) meanwhile, which wins
            } catch (IOException | RuntimeException e) {
                failed("write", e);
            }
        });
    }

    /** A logout: the key's entry becomes a tombstone (written later if NATS is away now). */
    void revoke(String key) {
        if (!tombstone(key)) {
            pendingTombstones.add(key);
        }
    }

    private boolean tombstone(String key) {
        Optional<KeyValue> store = store();
        if (store.isEmpty()) {
            return link.isEmpty(); // no NATS configured: no cache to correct
        }
        try {
            store.get().put(key, TOMBSTONE);
            return true;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            failed("revoke", e);
            return false;
        }
    }

    /** The bucket, made (or found) on first use and after a failure; empty while NATS is away. */
    private Optional<KeyValue> store() {
        if (link.isEmpty() || !link.get().connected()) {
            return Optional.empty();
        }
        KeyValue current = kv;
        if (current == null) {
            current = open();
            if (current == null) {
                return Optional.empty();
            }
        }
        if (!pendingTombstones.isEmpty()) {
            flushTombstones(current);
        }
        return Optional.of(current);
    }

    private synchronized KeyValue open() {
        if (kv == null) {
            try {
                var connection = link.get().connection();
                var management = connection.keyValueManagement();
                if (!management.getBucketNames().contains(bucket)) {
                    management.create(KeyValueConfiguration.builder().name(bucket).ttl(ttl)
                            .storageType(StorageType.Memory).build());
                }
                kv = connection.keyValue(bucket, KeyValueOptions.builder()
                        .jetStreamOptions(JetStreamOptions.builder().requestTimeout(TIMEOUT).build()).build());
                LOG.info("sessions: cached in NATS key-value bucket {} for {} s", bucket, ttl.toSeconds());
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                failed("open", e);
            }
        }
        return kv;
    }

    private void flushTombstones(KeyValue store) {
        if (pendingTombstones.isEmpty()) {
            return;
        }
        List<String> keys = new ArrayList<>(pendingTombstones);
        for (String key : keys) {
            try {
                store.put(key, TOMBSTONE);
                pendingTombstones.remove(key);
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                failed("revoke", e);
                return;
            }
        }
    }

    /** A failure forgets the bucket handle (the server may have lost a memory bucket): made again next time. */
    private void failed(String what, Exception e) {
        kv = null;
        LOG.debug("sessions: cache {} failed: {}", what, e.toString());
    }

    private static ObjectNode write(SessionRecord s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("user_id", s.userId());
        s.email().ifPresent(e -> o.put("email", e));
        s.displayName().ifPresent(n -> o.put("display_name", n));
        s.roles().forEach(o.putArray("roles")::add);
        if (s.roles().isEmpty()) {
            o.putArray("roles");
        }
        s.platform().ifPresent(p -> o.put("platform", p));
        s.tenant().ifPresent(t -> o.put("tenant", t));
        o.put("expires_at", s.expiresAt().toEpochMilli());
        return o;
    }

    private static SessionRecord read(JsonNode v) {
        List<String> roles = new ArrayList<>();
        v.path("roles").forEach(r -> roles.add(r.asText()));
        return new SessionRecord(v.path("user_id").asText(), text(v, "email"), text(v, "display_name"), roles,
                text(v, "platform"), text(v, "tenant"), Instant.ofEpochMilli(v.path("expires_at").asLong()));
    }

    private static Optional<String> text(JsonNode v, String field) {
        return v.hasNonNull(field) ? Optional.of(v.get(field).asText()) : Optional.empty();
    }
}
