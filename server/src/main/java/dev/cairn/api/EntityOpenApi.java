package dev.cairn.api;

import dev.cairn.catalog.Tables;
import dev.cairn.entity.Entities;
import dev.cairn.entity.Entity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/openapi.json}: an OpenAPI 3.1 document of one platform's entities as this request
 * may see them, generated from the catalog and the platform's data-API settings: a schema per
 * entity (types, nullability, read-only and generated fields, enum labels, key), and the routes
 * each entity serves.
 */
final class EntityOpenApi {

    private EntityOpenApi() {
    }

    static Map<String, Object> document(Entities entities, Duration retention) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "Cairn data API", "version", "1",
                "description", "Entities of this platform. Writes need an Idempotency-Key header"
                        + (entities.settings().idempotencyRequired() ? "" : " (optional on this platform)")
                        + "; keys are kept " + retention.toHours() + " h. Send x-tenant-id on every request."));
        Map<String, Object> paths = new LinkedHashMap<>();
        Map<String, Object> schemas = new LinkedHashMap<>();
        for (Entity e : entities.byName().values()) {
            String ref = "#/components/schemas/" + schemaName(e);
            schemas.put(schemaName(e), schema(e, entities));
            Map<String, Object> collection = new LinkedHashMap<>();
            collection.put("get", operation("list " + e.name(), "200", Map.of("type", "object", "properties", Map.of(
                    "data", Map.of("type", "array", "items", Map.of("$ref", ref)),
                    "page", Map.of("type", "object")))));
            if (!e.readOnly()) {
                collection.put("post", operation("create " + e.name() + " (an array creates several in one transaction)",
                        "201", Map.of("$ref", ref)));
            }
            paths.put("/v1/" + e.name(), collection);
            if (e.addressable()) {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("parameters", List.of(Map.of("name", "id", "in", "path", "required", true,
                        "description", "key values " + e.key().stream().map(e::nameOf).toList() + ", each URI-encoded, joined by ':'",
                        "schema", Map.of("type", "string"))));
                one.put("get", operation("get one " + e.name(), "200", Map.of("$ref", ref)));
                if (!e.readOnly()) {
                    one.put("patch", operation("update one " + e.name(), "200", Map.of("$ref", ref)));
                    one.put("delete", Map.of("summary", "delete one " + e.name(),
                            "responses", Map.of("204", Map.of("description", "deleted"))));
                }
                paths.put("/v1/" + e.name() + "/{id}", one);
            }
        }
        paths.put("/v1/_transact", Map.of("post", operation("create, update and delete in one transaction", "200",
                Map.of("type", "object"))));
        doc.put("paths", paths);
        doc.put("components", Map.of("schemas", schemas, "securitySchemes", Map.of("bearer",
                Map.of("type", "http", "scheme", "bearer", "bearerFormat", "JWT or platform token"))));
        doc.put("security", List.of(Map.of("bearer", List.of())));
        return doc;
    }

    private static String schemaName(Entity e) {
        return e.name().replace('.', '_');
    }

    private static Map<String, Object> operation(String summary, String status, Map<String, Object> schema) {
        return Map.of("summary", summary, "responses", Map.of(status, Map.of("description", "OK",
                "content", Map.of("application/json", Map.of("schema", schema)))));
    }

    private static Map<String, Object> schema(Entity e, Entities entities) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Entity.Field f : e.fields()) {
            Map<String, Object> p = new LinkedHashMap<>(type(f.column(), entities));
            if (!f.column().notNull()) {
                Object t = p.get("type");
                if (t != null) {
                    p.put("type", List.of(t, "null"));
                }
            }
            if (!f.writable()) {
                p.put("readOnly", true);
            }
            f.column().comment().ifPresent(c -> p.put("description", c));
            properties.put(f.name(), p);
        }
        if (e.syntheticId()) {
            properties.put("id", Map.of("type", "string", "readOnly", true, "description", "the composite id"));
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        e.table().comment().ifPresent(c -> schema.put("description", c));
        schema.put("properties", properties);
        schema.put("required", e.fields().stream().filter(f -> f.column().required()).map(Entity.Field::name).toList());
        return schema;
    }

    private static Map<String, Object> type(Tables.Column c, Entities entities) {
        List<String> labels = entities.labels(c.type());
        if (!labels.isEmpty()) {
            return Map.of("type", "string", "enum", labels);
        }
        String sql = c.sqlType();
        if (sql.endsWith("[]")) {
            return Map.of("type", "array");
        }
        return switch ((int) c.type()) {
            case 21, 23 -> Map.of("type", "integer");
            case 20 -> Map.of("type", "integer", "format", "int64");
            case 700, 701, 1700 -> Map.of("type", "number");
            case 16 -> Map.of("type", "boolean");
            case 114, 3802 -> Map.of();
            case 1114, 1184 -> Map.of("type", "string", "format", "date-time");
            case 1082 -> Map.of("type", "string", "format", "date");
            case 2950 -> Map.of("type", "string", "format", "uuid");
            case 17 -> Map.of("type", "string", "contentEncoding", "base64");
            case 1043, 1042 -> c.typmod() > 4 ? Map.of("type", "string", "maxLength", c.typmod() - 4)
                    : Map.of("type", "string");
            default -> Map.of("type", "string");
        };
    }

}
