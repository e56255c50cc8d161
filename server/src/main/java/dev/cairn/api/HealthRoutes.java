package dev.cairn.api;

import dev.cairn.fleet.ControlDatabase;
import dev.cairn.pool.PoolManager;
import dev.cairn.pool.PoolStats;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /health}: live counts, never cached. */
final class HealthRoutes {

    private final ControlDatabase control;
    private final PoolManager pools;
    private final String version;
    private final long startedNanos;

    HealthRoutes(ControlDatabase control, PoolManager pools, String version, long startedNanos) {
        this.control = control;
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
        body.put("status", connected ? "healthy" : "degraded");
        body.put("version", version);
        body.put("postgres_connected", connected);
        body.put("active_pools", stats.activePools());
        body.put("total_connections", stats.openConnections());
        body.put("busy_connections", stats.busyConnections());
        body.put("max_connections", stats.maxTotal());
        body.put("uptime_seconds", (System.nanoTime() - startedNanos) / 1_000_000_000L);
        Responses.json(res, 200, body);
    }
}
