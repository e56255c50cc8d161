package dev.cairn.fleet;

import java.time.Instant;
import java.util.Optional;

/**
 * A database Cairn created, who owns it and which schema version it was built from.
 *
 * @param fingerprint how the shared catalogs saw it when Cairn last brought it to {@code checksum} ({@link Fingerprints})
 * @param suspendedAt when an operator suspended it (it refuses data requests until resumed)
 */
public record DatabaseRecord(String name, String platform, Optional<String> tenant, String schemaName,
                             long versionId, int version, String checksum, Instant createdAt,
                             Optional<String> fingerprint, Optional<Instant> suspendedAt) {

    public boolean suspended() {
        return suspendedAt.isPresent();
    }

    public boolean isMain() {
        return tenant.isEmpty();
    }
}
