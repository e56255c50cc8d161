package dev.cairn.api;

import dev.cairn.fleet.Registration;
import dev.cairn.fleet.RequestMeta;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/** {@code POST /register}: StoneScript's multipart form (platform, tenant_id, schema). */
final class RegisterRoutes {

    private final Services services;

    RegisterRoutes(Services services) {
        this.services = services;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/register", this::registerDatabase);
    }

    private void registerDatabase(ServerRequest req, ServerResponse res) {
        Forms form = Forms.read(req, services);
        String platform = form.required("platform");
        Optional<String> tenant = form.field("tenant_id");
        AccessFilter.subject(platform, tenant);
        byte[] archive = form.archive();
        RequestMeta meta = Responses.meta(req, "network:" + Responses.info(req).clientText());
        Registration r = Responses.audited(services, meta, "register", Optional.of(platform),
                () -> services.registrar().register(platform, tenant, archive, meta), done -> Optional.of(done.database()));
        Responses.json(res, 200, DeployBodies.registration("ready", r));
    }
}
