package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.fleet.DatabaseLifecycle;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.Registrar;
import dev.cairn.fleet.Registry;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An operator's database lifecycle (admin token, audited): {@code POST /admin/databases/{database}/suspend}
 * and {@code /resume}, {@code DELETE /admin/databases/{database}} with {@code {"confirm": "<database>"}},
 * and {@code POST /admin/templates/cleanup} (template databases no database needs any more).
 */
final class DatabaseLifecycleRoutes {

    private final DatabaseLifecycle lifecycle;
    private final Registrar registrar;
    private final Registry registry;
    private final long maxJsonBytes;

    DatabaseLifecycleRoutes(DatabaseLifecycle lifecycle, Registrar registrar, Registry registry, long maxJsonBytes) {
        this.lifecycle = lifecycle;
        this.registrar = registrar;
        this.registry = registry;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/admin/databases/{database}/suspend", AdminRoutes.adminOnly(this::suspend));
        table.post(routing, "/admin/databases/{database}/resume", AdminRoutes.adminOnly(this::resume));
        table.delete(routing, "/admin/databases/{database}", AdminRoutes.adminOnly(this::delete));
        table.post(routing, "/admin/templates/cleanup", AdminRoutes.adminOnly(this::cleanTemplates));
    }

    private void cleanTemplates(ServerRequest req, ServerResponse res) {
        java.util.List<String> dropped = Responses.audited(registry, Responses.meta(req), "clean-templates",
                Optional.empty(), registrar::dropUnusedTemplates, d -> Optional.empty());
        Responses.json(res, 200, Map.of("dropped", dropped, "count", dropped.size()));
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
