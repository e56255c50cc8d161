package dev.cairn.deploy;

/**
 * Who asked for a deploy and what is being deployed, recorded in the database's tracking rows.
 *
 * @param checksum the normalized checksum of the bundle content being deployed
 */
public record DeployContext(String requestId, String actor, String platform, String schemaName, String checksum) {
}
