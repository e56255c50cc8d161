package dev.cairn.api;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.Registration;
import dev.cairn.fleet.RequestMeta;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.Optional;

/** {@code POST /register}: StoneScript's multipart form (platform, tenant_id, schema). */
final class RegisterRoutes {

    /** Room for the form fields and part headers around the bundle itself. */
    private static final long FORM_OVERHEAD = 64 * 1024;

    private final Services services;

    RegisterRoutes(Services services) {
        this.services = services;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/register", this::registerDatabase);
    }

    private void registerDatabase(ServerRequest req, ServerResponse res) {
        Map<String, Multipart.Part> form = form(req);
        String platform = field(form, "platform").orElseThrow(() -> required("platform"));
        Optional<String> tenant = field(form, "tenant_id");
        byte[] archive = Optional.ofNullable(form.get("schema")).or(() -> Optional.ofNullable(form.get("file")))
                .map(Multipart.Part::body)
                .orElseThrow(() -> required("schema"));
        RequestMeta meta = Responses.meta(req, "network:" + Responses.info(req).clientText());
        Registration r = Responses.audited(services, meta, "register", Optional.of(platform),
                () -> services.registrar().register(platform, tenant, archive, meta), done -> Optional.of(done.database()));
        Responses.json(res, 200, DeployBodies.registration("ready", r));
    }

    private Map<String, Multipart.Part> form(ServerRequest req) {
        String boundary = Multipart.boundary(req.headers().first(io.helidon.http.HeaderNames.CONTENT_TYPE).orElse(""));
        long max = services.bundleLimits().maxArchiveBytes();
        byte[] body = Bodies.read(req, max + FORM_OVERHEAD, ErrorCode.BUNDLE_TOO_LARGE, "BUNDLE_MAX_BYTES", max);
        return Multipart.parse(body, boundary);
    }

    private static Optional<String> field(Map<String, Multipart.Part> form, String name) {
        return Optional.ofNullable(form.get(name)).map(Multipart.Part::text).map(String::strip);
    }

    private static CairnException required(String field) {
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, field + " is required").with("field", field));
    }
}
