package dev.cairn.api;

import dev.cairn.pool.PoolStats;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /health}: live counts, never cached. */
final class HealthRoutes {

    private final Services services;

    HealthRoutes(Services services) {
        this.services = services;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.get(routing, "/health", this::health);
    }

    private void health(ServerRequest req, ServerResponse res) {
        boolean connected = services.control().reachable();
        PoolStats stats = services.pools().stats();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", connected ? "healthy" : "degraded");
        body.put("version", services.version());
        body.put("postgres_connected", connected);
        body.put("active_pools", stats.activePools());
        body.put("total_connections", stats.openConnections());
        body.put("busy_connections", stats.busyConnections());
        body.put("max_connections", stats.maxTotal());
        body.put("uptime_seconds", (System.nanoTime() - services.startedNanos()) / 1_000_000_000L);
        Responses.json(res, 200, body);
    }
}
