package dev.cairn.fleet;

import java.time.Instant;

/** One stored bundle of a platform's schema; {@code checksum} is of its normalized content. */
public record SchemaVersion(long id, String platform, String schemaName, int version, String checksum,
                            boolean hasTables, boolean hasFunctions, boolean hasMigrations, boolean hasSeeders,
                            Instant uploadedAt) {
}
