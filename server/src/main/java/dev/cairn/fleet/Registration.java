package dev.cairn.fleet;

import dev.cairn.bundle.Bundle;
import dev.cairn.deploy.DeployResult;
import java.util.Optional;

/**
 * A database that was just created and deployed.
 *
 * @param checksum     normalized checksum of the content deployed
 * @param fromTemplate true when the database is a copy of a template database
 */
public record Registration(String database, String platform, Optional<String> tenant, SchemaVersion version,
                           String checksum, DeployResult result, Bundle bundle, boolean fromTemplate) {
}
