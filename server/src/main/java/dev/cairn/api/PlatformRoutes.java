package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.bundle.BundleLimits;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.MigrationTarget;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.Registrar;
import dev.cairn.fleet.Registration;
import dev.cairn.fleet.Registry;
import dev.cairn.fleet.RequestMeta;
import dev.cairn.fleet.SchemaVersion;
import dev.cairn.identity.PlatformTokens;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The v2/v4 registry, backed by the control database: platforms, stored schema versions,
 * databases created from them, and platform tokens.
 *
 * <p>Registering a platform, uploading a schema and creating a database answer 200, not 201:
 * stonescriptdb-gateway-client 3.x throws on any other status of a POST, and the StoneScriptPHP
 * CLI accepts 200 or 201. Whether something was created is in the body ({@code unchanged} for an
 * upload, 409 for what already exists).
 */
final class PlatformRoutes {

    private final Registrar registrar;
    private final Registry registry;
    private final PlatformTokens tokens;
    private final BundleLimits bundleLimits;
    private final long maxJsonBytes;

    PlatformRoutes(Registrar registrar, Registry registry, PlatformTokens tokens, BundleLimits bundleLimits, long maxJsonBytes) {
        this.registrar = registrar;
        this.registry = registry;
        this.tokens = tokens;
        this.bundleLimits = bundleLimits;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/platform/register", this::registerPlatform);
        table.post(routing, "/platform/{platform}/schema", this::uploadSchema);
        table.get(routing, "/platform/{platform}/schemas", this::schemas);
        table.get(routing, "/platform/{platform}/databases", this::databases);
        table.get(routing, "/platforms", this::platforms);
        table.get(routing, "/admin/platforms", AdminRoutes.adminOnly(this::platforms));
        table.post(routing, "/database/create", this::createDatabase);
        table.post(routing, "/admin/database/create", this::createDatabase);
        table.post(routing, "/admin/platform-token", AdminRoutes.adminOnly(this::issueToken));
    }

    private void registerPlatform(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        String platform = Names.platform(Bodies.text(body, "platform"));
        AccessFilter.subject(platform, Optional.empty());
        RequestMeta meta = Responses.meta(req);
        Responses.audited(registry, meta, "register-platform", Optional.of(platform), () -> {
            if (!registry.registerPlatform(platform)) {
                throw new CairnException(Problem.of(ErrorCode.PLATFORM_ALREADY_REGISTERED,
                        "platform " + platform + " is already registered"));
            }
            return platform;
        }, p -> Optional.empty());
        Responses.json(res, 200, Map.of("status", "registered", "platform", platform));
    }

    private void uploadSchema(ServerRequest req, ServerResponse res) {
        String platform = pathPlatform(req);
        Forms form = Forms.read(req, bundleLimits);
        String schema = Names.schema(form.field("schema_name", "name")
                .orElseThrow(() -> Forms.required("schema_name", "schema_name (or name)")));
        byte[] archive = form.archive();
        RequestMeta meta = Responses.meta(req);
        boolean[] created = {false};
        SchemaVersion version = Responses.audited(registry, meta, "upload-schema", Optional.of(platform), () -> {
            registry.requirePlatform(platform, "; POST /platform/register it first");
            Optional<SchemaVersion> before = registry.latestVersion(platform, schema);
            MigrationTarget stored = registrar.upload(platform, schema, archive,
                    SchemaVersion.variantOf(schema), true);
            SchemaVersion v = stored.version().orElseThrow();
            created[0] = before.map(b -> v.version() > b.version()).orElse(true);
            return v;
        }, v -> Optional.empty());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "registered");
        body.put("platform", platform);
        body.put("schema_name", schema);
        body.putAll(schemaFields(version));
        body.put("unchanged", !created[0]);
        Responses.json(res, 200, body);
    }

    private void schemas(ServerRequest req, ServerResponse res) {
        String platform = pathPlatform(req);
        registry.requirePlatform(platform, "; POST /platform/register it first");
        List<Map<String, Object>> schemas = registry.schemas(platform).stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.latest().schemaName());
            m.putAll(schemaFields(s.latest()));
            m.put("versions", s.versions());
            return m;
        }).toList();
        Responses.json(res, 200, Map.of("platform", platform, "schemas", schemas, "count", schemas.size()));
    }

    private void databases(ServerRequest req, ServerResponse res) {
        String platform = pathPlatform(req);
        registry.requirePlatform(platform, "; POST /platform/register it first");
        Optional<String> schema = req.query().first("schema").filter(s -> !s.isBlank()).map(Names::schema);
        List<DatabaseRecord> records = schema.map(s -> registry.databases(platform, s))
                .orElseGet(() -> registry.databases(platform));
        List<Map<String, Object>> databases = records.stream().map(d -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.tenant().orElse(null));
            m.put("database_name", d.name());
            m.put("schema_name", d.schemaName());
            m.put("version", d.version());
            m.put("checksum", d.checksum());
            m.put("created_at", d.createdAt().toString());
            return m;
        }).toList();
        Responses.json(res, 200, Map.of("platform", platform, "databases", databases, "count", databases.size()));
    }

    private void platforms(ServerRequest req, ServerResponse res) {
        List<Map<String, Object>> platforms = registry.platforms().stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("schemas", p.schemas());
            m.put("databases", p.databases());
            m.put("created_at", p.createdAt().toString());
            return m;
        }).toList();
        Responses.json(res, 200, Map.of("platforms", platforms, "count", platforms.size()));
    }

    /** v2 {@code database_id} or v4 {@code uuid}; platform token, admin token or (no credentials) the network. */
    private void createDatabase(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        String platform = Names.platform(Bodies.text(body, "platform"));
        RequestIdentity.actFor(req, platform);
        String schema = Bodies.text(body, "schema_name");
        // The same reading as /v2/migrate: no id, "main", "null" and "" name the schema's own database, so
        // what register-main creates (the 5.x CLI sends no id, older tools database_id "main") is what
        // migrate-main then migrates.
        Optional<String> id = MigrateV2Routes.databaseId(body);
        AccessFilter.subject(platform, id);
        RequestMeta meta = Responses.meta(req);
        Registration r = Responses.audited(registry, meta, "create-database", Optional.of(platform),
                () -> registrar.createDatabase(platform, schema, id, meta),
                done -> Optional.of(done.database()));
        Map<String, Object> out = new LinkedHashMap<>(DeployBodies.registration("created", r));
        out.put("database_name", r.database());
        Responses.json(res, 200, out);
    }

    private void issueToken(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        String platform = Names.platform(Bodies.text(body, "platform"));
        AccessFilter.subject(platform, Optional.empty());
        RequestMeta meta = Responses.meta(req);
        String token = Responses.audited(registry, meta, "issue-platform-token", Optional.of(platform),
                () -> tokens.issue(platform), t -> Optional.empty());
        Responses.json(res, 201, Map.of("token", token, "platform", platform));
    }

    private String pathPlatform(ServerRequest req) {
        String platform = Names.platform(req.path().pathParameters().get("platform"));
        AccessFilter.subject(platform, Optional.empty());
        RequestIdentity.actFor(req, platform);
        return platform;
    }

    private static Map<String, Object> schemaFields(SchemaVersion v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", v.version());
        m.put("checksum", v.checksum());
        m.put("uploaded_at", v.uploadedAt().toString());
        m.put("has_tables", v.hasTables());
        m.put("has_functions", v.hasFunctions());
        m.put("has_migrations", v.hasMigrations());
        m.put("has_seeders", v.hasSeeders());
        return m;
    }
}
