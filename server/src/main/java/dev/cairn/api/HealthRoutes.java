package dev.cairn.api;

import dev.cairn.events.Relay;
import dev.cairn.events.RelayStatus;
import dev.cairn.fleet.ControlDatabase;
import dev.cairn.pool.PoolManager;
import dev.cairn.pool.PoolStats;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** {@code GET /health}: live counts, never cached. */
final class HealthRoutes {

    private final ControlDatabase control;
    private final PoolManager pools;
    private final String version;
    private final long startedNanos;
    private final Optional<Relay> relay;

    HealthRoutes(ControlDatabase control, PoolManager pools, String version, long startedNanos, Optional<Relay> relay) {
        this.control = control;
        this.relay = relay;
        this.pools = pools;
        this.version = version;
        this.startedNanos = startedNanos;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.get(routing, "/health", this::health);
    }

    private void health(ServerRequest req, ServerResponse res) {
        boolean connected = control.reachable();
        PoolStats stats = pools.stats();
        Map<String, Object> body = new LinkedHashMap<>();
        Optional<RelayStatus> events = relay.map(Relay::status);
        boolean healthy = connected && events.map(RelayStatus::healthy).orElse(true);
        body.put("status", healthy ? "healthy" : "degraded");
        body.put("version", version);
        body.put("postgres_connected", connected);
        body.put("active_pools", stats.activePools());
        body.put("total_connections", stats.openConnections());
        body.put("busy_connections", stats.busyConnections());
        body.put("max_connections", stats.maxTotal());
        body.put("uptime_seconds", (System.nanoTime() - startedNanos) / 1_000_000_000L);
        body.put("events", events.map(HealthRoutes::events).orElseGet(() -> Map.of("relay", "off")));
        Responses.json(res, 200, body);
    }

    /** NATS connected or not, the stream, and the outbox rows known to wait (backlog) while it is not. */
    private static Map<String, Object> events(RelayStatus status) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("relay", status.healthy() ? "connected" : status.connected() ? "stream_unavailable" : "disconnected");
        out.put("stream", status.stream());
        out.put("backlog", status.backlog());
        out.put("published", status.published());
        out.put("duplicates", status.duplicates());
        return out;
    }
}
