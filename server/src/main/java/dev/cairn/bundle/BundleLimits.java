package dev.cairn.bundle;

/**
 * How much of a hostile bundle Cairn is willing to read. Each limit has a configuration variable,
 * named in the refusal so an operator knows what to raise.
 *
 * @param maxArchiveBytes  size of the uploaded archive ({@code BUNDLE_MAX_BYTES})
 * @param maxExpandedBytes bytes produced by decompression ({@code BUNDLE_MAX_EXPANDED_BYTES})
 * @param maxFiles         entries of every kind, directories included ({@code BUNDLE_MAX_FILES})
 * @param maxFileBytes     size of one file ({@code BUNDLE_MAX_FILE_BYTES})
 */
public record BundleLimits(long maxArchiveBytes, long maxExpandedBytes, int maxFiles, long maxFileBytes) {

    static final String MAX_BYTES = "BUNDLE_MAX_BYTES";
    static final String MAX_EXPANDED_BYTES = "BUNDLE_MAX_EXPANDED_BYTES";
    static final String MAX_FILES = "BUNDLE_MAX_FILES";
    static final String MAX_FILE_BYTES = "BUNDLE_MAX_FILE_BYTES";

    private static final long MIB = 1024L * 1024L;

    public BundleLimits {
        requirePositive(MAX_BYTES, maxArchiveBytes);
        requirePositive(MAX_EXPANDED_BYTES, maxExpandedBytes);
        requirePositive(MAX_FILES, maxFiles);
        requirePositive(MAX_FILE_BYTES, maxFileBytes);
    }

    /** 50 MiB archive, 200 MiB expanded, 5000 entries, 10 MiB per file. */
    public static BundleLimits defaults() {
        return new BundleLimits(50 * MIB, 200 * MIB, 5000, 10 * MIB);
    }

    private static void requirePositive(String variable, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(variable + " must be positive, got " + value);
        }
    }
}
