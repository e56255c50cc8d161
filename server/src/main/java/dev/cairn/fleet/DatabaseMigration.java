package dev.cairn.fleet;

import dev.cairn.deploy.MigrateResult;

/** One database's migrate: its name, the schema name it now follows, and what the migrate did. */
public record DatabaseMigration(String database, String schemaName, MigrateResult result) {
}
