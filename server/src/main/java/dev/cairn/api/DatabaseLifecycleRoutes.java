package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.fleet.DatabaseLifecycle;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.Registry;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An operator's tenant lifecycle (admin token, audited): {@code POST /admin/databases/{database}/suspend}
 * and {@code /resume}, and {@code DELETE /admin/databases/{database}} with {@code {"confirm": "<database>"}}.
 */
final class DatabaseLifecycleRoutes {

    private final DatabaseLifecycle lifecycle;
    private final Registry registry;
    private final long maxJsonBytes;

    DatabaseLifecycleRoutes(DatabaseLifecycle lifecycle, Registry registry, long maxJsonBytes) {
        this.lifecycle = lifecycle;
        this.registry = registry;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/admin/databases/{database}/suspend", AdminRoutes.adminOnly(this::suspend));
        table.post(routing, "/admin/databases/{database}/resume", AdminRoutes.adminOnly(this::resume));
        table.delete(routing, "/admin/databases/{database}", AdminRoutes.adminOnly(this::delete));
    }

    private void suspend(ServerRequest req, ServerResponse res) {
        String database = database(req);
        answer(res, Responses.audited(registry, Responses.meta(req), "suspend-database", Optional.empty(),
                () -> lifecycle.suspend(database), done -> Optional.of(done.database())));
    }

    private void resume(ServerRequest req, ServerResponse res) {
        String database = database(req);
        answer(res, Responses.audited(registry, Responses.meta(req), "resume-database", Optional.empty(),
                () -> lifecycle.resume(database), done -> Optional.of(done.database())));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String database = database(req);
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        String confirm = Bodies.text(body, "confirm");
        answer(res, Responses.audited(registry, Responses.meta(req), "delete-database", Optional.empty(),
                () -> lifecycle.delete(database, confirm), done -> Optional.of(done.database())));
    }

    private static String database(ServerRequest req) {
        return Names.databaseName(req.path().pathParameters().get("database"));
    }

    private static void answer(ServerResponse res, DatabaseLifecycle.Outcome outcome) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("database", outcome.database());
        body.put("status", outcome.status());
        outcome.suspendedAt().ifPresent(at -> body.put("suspended_at", at.toString()));
        Responses.json(res, 200, body);
    }
}
