package dev.cairn.fleet;

import dev.cairn.bundle.Variant;
import java.time.Instant;

/** One stored bundle of a platform's schema; {@code checksum} is of its normalized content. */
public record SchemaVersion(long id, String platform, String schemaName, int version, String checksum,
                            boolean hasTables, boolean hasFunctions, boolean hasMigrations, boolean hasSeeders,
                            Instant uploadedAt) {

    /** The main schema reads the main variant of a StoneScriptPHP tree; every other schema the tenant one. */
    public Variant variant() {
        return variantOf(schemaName);
    }

    public static Variant variantOf(String schemaName) {
        return Names.MAIN.equals(schemaName) ? Variant.MAIN : Variant.TENANT;
    }
}
