package dev.cairn.bundle;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;

/**
 * The two ways reading a bundle fails: a limit was hit ({@code bundle_too_large}, naming the
 * configuration variable) or the input is not an acceptable bundle ({@code schema_extraction_failed}).
 */
final class Refusals {

    private static final long KIB = 1024;
    private static final long MIB = KIB * KIB;

    private Refusals() {
    }

    /** {@code problem} reads like "the archive is larger than", followed by the value and variable. */
    static CairnException tooLarge(String variable, long limit, String problem, boolean isBytes) {
        var shown = isBytes ? bytes(limit) : Long.toString(limit);
        var message = "%s %s (%s=%d)".formatted(problem, shown, variable, limit);
        return CairnException.of(ErrorCode.BUNDLE_TOO_LARGE, message)
                .with("limit", variable)
                .with("limit_value", limit);
    }

    static CairnException invalid(String message) {
        return CairnException.of(ErrorCode.SCHEMA_EXTRACTION_FAILED, message);
    }

    static CairnException invalid(String message, String file) {
        return invalid(message).with("file", file);
    }

    /**
     * A failure inside a decompressor or archive parser: the input is truncated or corrupt, unless
     * the failure is our own expanded-size limit travelling up through the library.
     */
    static CairnException unreadable(Exception failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 16; depth++, cause = cause.getCause()) {
            if (cause instanceof ExpandedBytesLimit.Exceeded exceeded) {
                return exceeded.refusal();
            }
        }
        var refusal = invalid("the archive is truncated or corrupt");
        return failure.getMessage() == null ? refusal : refusal.with("cause", failure.getMessage());
    }

    static String bytes(long n) {
        if (n % MIB == 0) {
            return n / MIB + " MiB";
        }
        return n % KIB == 0 ? n / KIB + " KiB" : n + " bytes";
    }
}
