package dev.cairn.fleet;

import dev.cairn.bundle.Bundle;
import java.util.Optional;

/**
 * What a database is migrated to: a bundle and its checksum, under a schema name; the stored
 * version when there is one (a dry run of an uploaded bundle stores nothing).
 */
public record MigrationTarget(String schemaName, Bundle bundle, String checksum, Optional<SchemaVersion> version) {

    static MigrationTarget stored(SchemaVersion version, Bundle bundle, String checksum) {
        return new MigrationTarget(version.schemaName(), bundle, checksum, Optional.of(version));
    }
}
