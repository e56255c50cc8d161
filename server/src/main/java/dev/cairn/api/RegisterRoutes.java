package dev.cairn.api;

import dev.cairn.bundle.BundleLimits;
import dev.cairn.fleet.Registrar;
import dev.cairn.fleet.Registration;
import dev.cairn.fleet.Registry;
import dev.cairn.fleet.RequestMeta;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/** {@code POST /register}: StoneScript's multipart form (platform, tenant_id, schema). */
final class RegisterRoutes {

    private final Registrar registrar;
    private final Registry registry;
    private final BundleLimits bundleLimits;

    RegisterRoutes(Registrar registrar, Registry registry, BundleLimits bundleLimits) {
        this.registrar = registrar;
        this.registry = registry;
        this.bundleLimits = bundleLimits;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/register", this::registerDatabase);
    }

    private void registerDatabase(ServerRequest req, ServerResponse res) {
        Forms form = Forms.read(req, bundleLimits);
        String platform = form.required("platform");
        Optional<String> tenant = form.field("tenant_id");
        AccessFilter.subject(platform, tenant);
        byte[] archive = form.archive();
        RequestMeta meta = Responses.meta(req, "network:" + Responses.info(req).clientText());
        Registration r = Responses.audited(registry, meta, "register", Optional.of(platform),
                () -> registrar.register(platform, tenant, archive, meta), done -> Optional.of(done.database()));
        Responses.json(res, 200, DeployBodies.registration("ready", r));
    }
}
