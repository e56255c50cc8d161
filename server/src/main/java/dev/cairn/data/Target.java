package dev.cairn.data;

import java.util.Optional;

/**
 * Which database of a platform a request names, as the face read it; the pipeline resolves it
 * to a database it knows (or a {@code 404}) and, for the data API, applies the platform's tenancy.
 */
public sealed interface Target {

    String platform();

    /**
     * A tenant's database, or the platform's main one when {@code tenant} is absent ({@code /call}
     * v1, where an empty or {@code "null"} {@code tenant_id} means main). Under row tenancy the data
     * API serves every tenant from the main database and keeps {@code tenant} for its rows.
     */
    record Tenant(String platform, Optional<String> tenant) implements Target {
    }

    /** {@code /call} v4: {@code {platform}_{schema_name}} or {@code {platform}_{schema_name}_{uuid}}. */
    record SchemaDatabase(String platform, String schemaName, Optional<String> uuid) implements Target {
    }
}
