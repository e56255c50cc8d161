package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.ControlDatabase;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.Registrar;
import dev.cairn.fleet.Registration;
import dev.cairn.fleet.Registry;
import dev.cairn.fleet.RequestMeta;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code /admin/*}: every route needs the admin bearer token; without ADMIN_TOKEN they answer 503. */
final class AdminRoutes {

    private final Registrar registrar;
    private final Registry registry;
    private final ControlDatabase control;
    private final long maxJsonBytes;

    AdminRoutes(Registrar registrar, Registry registry, ControlDatabase control, long maxJsonBytes) {
        this.registrar = registrar;
        this.registry = registry;
        this.control = control;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.get(routing, "/admin/databases", adminOnly(this::databases));
        table.post(routing, "/admin/create-tenant", adminOnly(this::createTenant));
    }

    /** The admin token first (401/503), then the route; every /admin route but database creation is wrapped in it. */
    static Handler adminOnly(Handler handler) {
        return (req, res) -> {
            RequestIdentity.administer(req);
            handler.handle(req, res);
        };
    }

    private void databases(ServerRequest req, ServerResponse res) {
        String raw = req.query().first("platform").orElseThrow(() -> new CairnException(
                Problem.of(ErrorCode.VALIDATION_ERROR, "query parameter platform is required").with("field", "platform")));
        AccessFilter.subject(raw, Optional.empty());
        Map<String, Object> body = Responses.audited(registry, Responses.meta(req), "list-databases",
                Optional.of(raw), () -> listing(Names.platform(raw)), b -> Optional.empty());
        Responses.json(res, 200, body);
    }

    private Map<String, Object> listing(String platform) {
        registry.requirePlatform(platform, "");
        List<DatabaseRecord> records = registry.databases(platform);
        Map<String, Long> sizes = control.sizes(records.stream().map(DatabaseRecord::name).toList());
        List<Map<String, Object>> databases = records.stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", r.name());
            row.put("type", r.isMain() ? "main" : "tenant");
            r.tenant().ifPresent(t -> row.put("tenant_id", t));
            row.put("size_mb", sizes.getOrDefault(r.name(), 0L) / (1024 * 1024));
            row.put("schema", r.schemaName());
            row.put("version", r.version());
            row.put("checksum", r.checksum());
            row.put("created_at", r.createdAt().toString());
            row.put("suspended", r.suspended());
            r.suspendedAt().ifPresent(at -> row.put("suspended_at", at.toString()));
            return row;
        }).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("databases", databases);
        body.put("count", databases.size());
        return body;
    }

    private void createTenant(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        String platform = Bodies.text(body, "platform");
        String tenant = Bodies.text(body, "tenant_id");
        AccessFilter.subject(platform, Optional.of(tenant));
        RequestMeta meta = Responses.meta(req);
        Registration r = Responses.audited(registry, meta, "create-tenant", Optional.of(platform),
                () -> registrar.createTenant(platform, tenant, meta), done -> Optional.of(done.database()));
        Responses.json(res, 201, DeployBodies.registration("created", r));
    }
}
