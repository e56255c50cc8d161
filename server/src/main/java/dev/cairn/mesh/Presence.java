package dev.cairn.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.events.NatsLink;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is connected to the mesh, on every instance: this instance's members, kept here, and a copy
 * of every instance's, kept in a NATS key-value bucket that each instance watches, so a call is
 * routed from memory, never by asking NATS first. Entries of this instance are written again every
 * {@link #HEARTBEAT}; another instance's entry not refreshed for {@link #STALE} counts as offline,
 * so the members of an instance that died go offline everywhere within seconds. A member that leaves
 * is written as offline (not deleted), so a call to it is {@code TARGET_OFFLINE}, not
 * {@code SERVICE_NOT_FOUND}. Without NATS, presence is this instance's alone.
 */
final class Presence implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Presence.class);
    static final Duration HEARTBEAT = Duration.ofSeconds(3);
    static final Duration STALE = Duration.ofSeconds(10);

    /** One member as presence knows it. */
    record Entry(String memberId, String realmId, String memberType, String instance, Offer offer, boolean online,
                 long seenAtMillis) {

        boolean live(String here, long now) {
            return online && (instance.equals(here) || now - seenAtMillis < STALE.toMillis());
        }

        Entry seen(long now) {
            return new Entry(memberId, realmId, memberType, instance, offer, online, now);
        }

        Entry offline(long now) {
            return new Entry(memberId, realmId, memberType, instance, offer, false, now);
        }
    }

    private final String instance;
    private final Optional<NatsLink> nats;
    private final String bucket;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    /** Told when a member of another instance goes offline: it left, or its instance stopped writing. */
    private volatile java.util.function.Consumer<String> onOffline = memberId -> { };
    private volatile KeyValue kv;
    private volatile boolean closed;
    private final Thread keeper;

    Presence(String instance, Optional<NatsLink> nats, String bucket) {
        this.instance = instance;
        this.nats = nats;
        this.bucket = bucket;
        this.keeper = Thread.ofVirtual().name("cairn-mesh-presence").start(this::keep);
    }

    String instance() {
        return instance;
    }

    void onOffline(java.util.function.Consumer<String> listener) {
        this.onOffline = listener;
    }

    void connected(Entry entry) {
        entries.put(entry.memberId(), entry);
        write(entry);
    }

    /** The member left this instance (unless it has since connected again, here or elsewhere). */
    void disconnected(String memberId) {
        Entry now = entries.computeIfPresent(memberId, (k, e) -> e.instance().equals(instance) && e.online()
                ? e.offline(System.currentTimeMillis()) : e);
        if (now != null && !now.online() && now.instance().equals(instance)) {
            write(now);
        }
    }

    /** Every entry, online or not, as a live view (for the hot path: no copy). */
    Iterable<Entry> entries() {
        return entries.values();
    }

    /** Every entry, online or not (offline ones tell a known provider from an unknown service). */
    List<Entry> all() {
        return List.copyOf(entries.values());
    }

    boolean live(Entry e) {
        return e.live(instance, System.currentTimeMillis());
    }

    Optional<Entry> online(String memberId) {
        return Optional.ofNullable(entries.get(memberId)).filter(this::live);
    }

    /** Opens the bucket when NATS is there, then writes this instance's entries again every heartbeat. */
    private void keep() {
        while (!closed) {
            try {
                if (nats.isPresent() && nats.get().connected() && kv == null) {
                    open();
                }
                long now = System.currentTimeMillis();
                entries.replaceAll((k, e) -> e.instance().equals(instance) && e.online() ? e.seen(now) : e);
                expireStale(now);
                entries.values().stream().filter(e -> e.instance().equals(instance) && e.online()).forEach(this::write);
                Thread.sleep(HEARTBEAT.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.debug("mesh presence: {}", e.toString());
            }
        }
    }

    /** Another instance's members it stopped writing for are offline from now on, and the mesh is told. */
    private void expireStale(long now) {
        for (Entry e : entries.values()) {
            if (e.online() && !e.instance().equals(instance) && !e.live(instance, now)
                    && entries.replace(e.memberId(), e, e.offline(e.seenAtMillis()))) {
                LOG.info("mesh: {} on instance {} went silent: offline", e.memberId(), e.instance());
                onOffline.accept(e.memberId());
            }
        }
    }

    private synchronized void open() {
        if (kv != null) {
            return;
        }
        try {
            var connection = nats.get().connection();
            var management = connection.keyValueManagement();
            if (!management.getBucketNames().contains(bucket)) {
                management.create(KeyValueConfiguration.builder().name(bucket).ttl(Duration.ofDays(1))
                        .maxHistoryPerKey(1).storageType(StorageType.Memory).build());
            }
            KeyValue store = connection.keyValue(bucket);
            store.watchAll(new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    merge(entry);
                }

                @Override
                public void endOfData() {
                }
            });
            kv = store;
            LOG.info("mesh: presence shared through NATS key-value bucket {}", bucket);
        } catch (Exception e) {
            LOG.debug("mesh presence: the bucket could not be opened: {}", e.toString());
        }
    }

    /** Another instance's news (or this one's echo, which changes nothing). */
    private void merge(KeyValueEntry entry) {
        if (entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
            return;
        }
        try {
            Entry e = read(Frames.JSON.readTree(entry.getValue()));
            if (e.instance().equals(instance)) {
                return; // this instance's own entries are the truth here
            }
            Entry kept = entries.merge(e.memberId(), e, (old, neu) -> old.instance().equals(instance) && old.online()
                    && !neu.online() ? old : neu);
            if (kept == e && !e.online()) {
                onOffline.accept(e.memberId());
            }
        } catch (Exception ex) {
            LOG.debug("mesh presence: an entry could not be read: {}", ex.toString());
        }
    }

    private void write(Entry e) {
        KeyValue store = kv;
        if (store == null) {
            return;
        }
        try {
            store.put(key(e.memberId()), json(e).toString().getBytes(StandardCharsets.UTF_8));
        } catch (Exception ex) {
            kv = null; // opened again by the keeper
            LOG.debug("mesh presence: write failed: {}", ex.toString());
        }
    }

    private static String key(String memberId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(memberId.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode json(Entry e) {
        ObjectNode o = Frames.JSON.createObjectNode();
        o.put("memberId", e.memberId()).put("realmId", e.realmId()).put("memberType", e.memberType())
                .put("instance", e.instance()).put("online", e.online()).put("seenAt", e.seenAtMillis());
        o.set("provides", e.offer().json());
        return o;
    }

    private static Entry read(JsonNode o) {
        ObjectNode wrapper = Frames.JSON.createObjectNode();
        wrapper.set("provides", o.path("provides"));
        return new Entry(o.path("memberId").asText(), o.path("realmId").asText(), o.path("memberType").asText(),
                o.path("instance").asText(), Offer.parse(wrapper), o.path("online").asBoolean(),
                o.path("seenAt").asLong());
    }

    @Override
    public void close() {
        closed = true;
        keeper.interrupt();
        long now = System.currentTimeMillis();
        entries.values().stream().filter(e -> e.instance().equals(instance) && e.online())
                .forEach(e -> write(e.offline(now)));
    }
}
