package dev.cairn.compat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.compat.PhpWire.Field;
import dev.cairn.compat.PhpWire.Reply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * stonescriptdb-gateway-client ({@code src/GatewayClient.php}, 1.0 to 3.1.1) as it treats the
 * gateway's answers: every request goes through {@code httpPost} or {@code httpPostMultipart},
 * which throw a {@code GatewayException} for any status other than exactly 200 (201 and 202
 * included) and for an empty body; {@code callFunction} also throws when {@code rows} is missing.
 * Requests are sent as the client sends them (curl, its JSON or multipart encoding); what a method
 * returns is the decoded body the client hands to its caller.
 */
final class GatewayClientRules {

    /** What the client throws: {@code Gateway returned HTTP N: <error> - <message>}, code N. */
    static final class GatewayException extends RuntimeException {
        private final int code;

        GatewayException(String message, int code) {
            super(message);
            this.code = code;
        }

        int code() {
            return code;
        }
    }

    private final PhpWire php;
    private final String platform;
    private final Optional<String> adminToken;

    GatewayClientRules(PhpWire php, String platform, Optional<String> adminToken) {
        this.php = php;
        this.platform = platform;
        this.adminToken = adminToken;
    }

    // ---- 1.x: v1 routes ------------------------------------------------------------------------

    /** {@code register()}: platform, tenant_id only if set, schema as postgresql.tar.gz. */
    JsonNode register(Optional<String> tenantId, byte[] bundle) {
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("platform", platform));
        tenantId.ifPresent(t -> fields.add(new Field("tenant_id", t)));
        fields.add(new Field("schema", bundle));
        return accepted(php.curlForm("/register", fields));
    }

    /** {@code migrate()}: the tenant id as the options give it (the string "null" means none). */
    JsonNode migrate(String tenantId, byte[] bundle, Optional<String> force) {
        List<Field> fields = new ArrayList<>(List.of(new Field("platform", platform), new Field("tenant_id", tenantId),
                new Field("schema", bundle)));
        force.ifPresent(f -> fields.add(new Field("force", f)));
        return accepted(php.curlForm("/migrate", fields));
    }

    /** 1.x {@code callFunction()}: {platform, tenant_id, function, params}, tenant_id null for the main database. */
    JsonNode callV1(Optional<String> tenantId, String function, Object params) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("tenant_id", tenantId.orElse(null));
        body.put("function", function);
        body.put("params", params);
        return rows(accepted(php.curlJson("/call", PhpWire.phpJson(body))));
    }

    // ---- 2.x and 3.x: the v2 registry ----------------------------------------------------------

    JsonNode registerPlatform() {
        return accepted(php.curlJson("/platform/register", PhpWire.phpJson(Map.of("platform", platform))));
    }

    JsonNode uploadSchema(byte[] bundle, String schemaName) {
        return accepted(php.curlForm("/platform/" + platform + "/schema",
                List.of(new Field("schema_name", schemaName), new Field("schema", bundle))));
    }

    /**
     * {@code createDatabase()} with the admin token: 2.x sends {@code database_id}, 3.1.1 {@code uuid}
     * (3.x's main database: no id at all).
     */
    JsonNode createDatabase(String schemaName, Map<String, Object> id) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("platform", platform, "schema_name", schemaName));
        body.putAll(id);
        return accepted(php.curlJson("/admin/database/create", PhpWire.phpJson(body), admin()));
    }

    JsonNode migrateV2(String schemaName, Map<String, Object> id, boolean force) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("schema_name", schemaName);
        body.putAll(id);
        body.put("force", force);
        return accepted(php.curlJson("/v2/migrate", PhpWire.phpJson(body)));
    }

    /** {@code migrateAllV2()}: one POST with a 300 s timeout; the answer is the result. */
    JsonNode migrateAllV2(String schemaName, boolean force) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("schema_name", schemaName);
        body.put("force", force);
        return accepted(php.curlJson("/v2/migrate-all", PhpWire.phpJson(body)));
    }

    /** 3.x {@code callFunction()}: {platform, schema_name, uuid, function, params}; no uuid is the base schema. */
    JsonNode call(String schemaName, Optional<String> uuid, String function, List<?> params) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("schema_name", schemaName);
        body.put("uuid", uuid.orElse(null));
        body.put("function", function);
        body.put("params", params);
        return rows(accepted(php.curlJson("/call", PhpWire.phpJson(body))));
    }

    private String[] admin() {
        return adminToken.map(t -> new String[] {"Authorization", "Bearer " + t}).orElse(new String[0]);
    }

    /** {@code httpPost}: {@code if ($http_code !== 200) throw}, then an empty body throws too. */
    static JsonNode accepted(Reply reply) {
        if (reply.code() != 200) {
            StringBuilder message = new StringBuilder("Gateway returned HTTP " + reply.code());
            JsonNode body = reply.body().isEmpty() ? PhpWire.JSON.nullNode() : lenient(reply);
            if (body.has("error")) {
                message.append(": ").append(body.get("error").asText());
            }
            if (body.has("message")) {
                message.append(" - ").append(body.get("message").asText());
            }
            throw new GatewayException(message.toString(), reply.code());
        }
        if (reply.body().isEmpty()) {
            throw new GatewayException("Empty response from gateway", 0);
        }
        return reply.json();
    }

    /** {@code callFunction}: {@code if (!isset($response['rows'])) throw}. */
    private static JsonNode rows(JsonNode response) {
        if (!response.has("rows")) {
            throw new GatewayException("Invalid gateway response: missing rows field", 0);
        }
        return response;
    }

    private static JsonNode lenient(Reply reply) {
        try {
            return PhpWire.JSON.readTree(reply.body());
        } catch (java.io.IOException e) {
            return PhpWire.JSON.nullNode();
        }
    }
}
