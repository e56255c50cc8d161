package dev.cairn.deploy;

import java.util.List;

/**
 * What a deploy did, in the counts StoneScript clients read.
 *
 * @param migrationsApplied  migrations that ran
 * @param migrationsRecorded migrations recorded as applied without running, because the database
 *                           was built from {@code tables/}, which already holds their result
 */
public record DeployResult(int extensionsInstalled, int typesDeployed, int tablesCreated, int migrationsApplied,
                           int migrationsRecorded, int viewsCreated, int functionsDeployed,
                           List<SeederResult> seeders, long executionTimeMs) {

    public DeployResult {
        seeders = List.copyOf(seeders);
    }

    public DeployResult withExecutionTime(long millis) {
        return new DeployResult(extensionsInstalled, typesDeployed, tablesCreated, migrationsApplied,
                migrationsRecorded, viewsCreated, functionsDeployed, seeders, millis);
    }
}
