package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.catalog.CatalogCache;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.Registry;
import dev.cairn.fleet.RequestMeta;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /admin/catalog/reload}: forget the cached catalogs of a platform's databases (or of
 * one), so the next request reads what a change made outside Cairn (by hand, by another tool)
 * left. Requests already running keep the catalog they started with.
 */
final class CatalogRoutes {

    private final Registry registry;
    private final CatalogCache catalogs;
    private final long maxJsonBytes;

    CatalogRoutes(Registry registry, CatalogCache catalogs, long maxJsonBytes) {
        this.registry = registry;
        this.catalogs = catalogs;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/admin/catalog/reload", AdminRoutes.adminOnly(this::reload));
    }

    private void reload(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        String platform = Names.platform(Bodies.text(body, "platform"));
        Optional<String> database = Bodies.optionalText(body, "database");
        AccessFilter.subject(platform, Optional.empty());
        RequestMeta meta = Responses.meta(req);
        List<String> reloaded = Responses.audited(registry, meta, "reload-catalog", Optional.of(platform),
                () -> reload(platform, database), names -> Optional.empty());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("platform", platform);
        out.put("databases", reloaded);
        out.put("count", reloaded.size());
        Responses.json(res, 200, out);
    }

    /** The platform's databases (or the one named), each catalog forgotten. */
    private List<String> reload(String platform, Optional<String> database) {
        registry.requirePlatform(platform, "");
        List<String> names = registry.databases(platform).stream().map(DatabaseRecord::name)
                .filter(name -> database.map(name::equals).orElse(true)).toList();
        if (database.isPresent() && names.isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.DATABASE_NOT_FOUND, "database " + database.get()
                    + " does not belong to platform " + platform).with("database", database.get()));
        }
        names.forEach(catalogs::invalidate);
        return names;
    }
}
