package dev.cairn.bundle;

import dev.cairn.error.CairnException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads a schema bundle, treating it as hostile input: entirely in memory (no entry is ever
 * written to disk), within {@link BundleLimits}, and failing only with a {@link CairnException}
 * ({@code bundle_too_large} or {@code schema_extraction_failed}), whatever the bytes.
 *
 * <p>Reading happens in two stages: a source ({@link TarSource}, {@link ZipSource},
 * {@link DirectorySource}) feeds every entry through one {@link EntryCollector}, which enforces
 * names and limits; then {@link Layout} decides which files form the bundle.
 *
 * <p>Immutable and thread-safe; each read has its own state.
 */
public final class BundleReader {

    private final BundleLimits limits;

    private BundleReader(BundleLimits limits) {
        this.limits = limits;
    }

    public static BundleReader create(BundleLimits limits) {
        return new BundleReader(Objects.requireNonNull(limits, "limits"));
    }

    /** Reads a .tar.gz, .tar or .zip, recognised by its magic bytes. */
    public Bundle read(byte[] archive, Variant variant) {
        Objects.requireNonNull(archive, "archive");
        Objects.requireNonNull(variant, "variant");
        // The upload path checks this before buffering; checked again so no caller can skip it.
        if (archive.length > limits.maxArchiveBytes()) {
            throw Refusals.tooLarge(BundleLimits.MAX_BYTES, limits.maxArchiveBytes(), "the archive is larger than", true);
        }
        var format = ArchiveFormat.sniff(archive);
        var sink = new EntryCollector(limits);
        try {
            format.read(archive, sink);
        } catch (CairnException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Parsers of hostile bytes fail in many ways (including unchecked ones); all mean "unreadable".
            throw Refusals.unreadable(e);
        }
        return Layout.read(sink.files(), variant);
    }

    /** Reads a bundle laid out in a directory; links inside it are refused, not followed. */
    public Bundle read(Path directory, Variant variant) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(variant, "variant");
        var sink = new EntryCollector(limits);
        DirectorySource.read(directory, sink);
        return Layout.read(sink.files(), variant);
    }
}
