package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.entity.DataApiSettings;
import dev.cairn.fleet.DataApiSettingsStore;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.Registry;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * {@code PUT/GET /admin/platforms/{platform}/data-api}: how a platform's tables are served by the
 * data API. The document is validated whole before it is stored (a bad one changes nothing), and
 * every change is audited.
 */
final class DataApiSettingsRoutes {

    private final Registry registry;
    private final long maxJsonBytes;
    private final DataApiSettingsStore dataApiSettings;

    DataApiSettingsRoutes(Registry registry, long maxJsonBytes, DataApiSettingsStore dataApiSettings) {
        this.registry = registry;
        this.maxJsonBytes = maxJsonBytes;
        this.dataApiSettings = dataApiSettings;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.put(routing, "/admin/platforms/{platform}/data-api", AdminRoutes.adminOnly(this::put));
        table.get(routing, "/admin/platforms/{platform}/data-api", AdminRoutes.adminOnly(this::get));
    }

    private void put(ServerRequest req, ServerResponse res) {
        String platform = Names.platform(req.path().pathParameters().get("platform"));
        AccessFilter.subject(platform, Optional.empty());
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        DataApiSettings settings = Responses.audited(registry, Responses.meta(req), "set-data-api-settings",
                Optional.of(platform), () -> {
                    DataApiSettings parsed = DataApiSettings.parse(body);
                    dataApiSettings.save(platform, parsed, "admin", RequestIdentity.actor(req));
                    return parsed;
                }, s -> Optional.empty());
        Responses.json(res, 200, answer(platform, settings, "admin"));
    }

    private void get(ServerRequest req, ServerResponse res) {
        String platform = Names.platform(req.path().pathParameters().get("platform"));
        registry.requirePlatform(platform, "");
        Optional<DataApiSettingsStore.Stored> stored = dataApiSettings.read(platform);
        Responses.json(res, 200, answer(platform, stored.map(DataApiSettingsStore.Stored::settings)
                .orElseGet(DataApiSettings::defaults), stored.map(DataApiSettingsStore.Stored::source).orElse("defaults")));
    }

    private static ObjectNode answer(String platform, DataApiSettings settings, String source) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("platform", platform);
        out.put("source", source);
        out.set("settings", settings.toJson());
        return out;
    }
}
