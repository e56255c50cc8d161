package dev.cairn.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A stored-function call as the faces parsed it.
 *
 * @param params a JSON array (positional arguments), an object (named arguments) or missing
 */
public record CallRequest(String platform, Target target, String function, JsonNode params) {

    /** Which database of the platform: v1 names it by tenant, v4 by schema name and optional uuid. */
    public sealed interface Target permits Tenant, SchemaDatabase {
    }

    /** v1: {@code tenant_id} absent, empty or "null" means the main database. */
    public record Tenant(Optional<String> tenantId) implements Target {
    }

    /** v4: {@code {platform}_{schema_name}} or {@code {platform}_{schema_name}_{uuid}}. */
    public record SchemaDatabase(String schemaName, Optional<String> uuid) implements Target {
    }
}
