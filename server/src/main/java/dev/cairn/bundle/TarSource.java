package dev.cairn.bundle;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads a plain or gzip-compressed tar from memory, streaming: decompressed bytes are counted as
 * they come ({@link ExpandedBytesLimit}), so a bomb stops at the limit instead of expanding whole.
 * A tar must end with its end-of-archive marker, see {@link EndCheckingTarInput}.
 */
final class TarSource {

    private static final int BLOCK = 512;
    private static final int MAGIC_OFFSET = 257;
    private static final byte[] USTAR = "ustar".getBytes(StandardCharsets.US_ASCII);

    private TarSource() {
    }

    static boolean hasTarMagic(byte[] header) {
        return header.length >= MAGIC_OFFSET + USTAR.length
                && Arrays.equals(header, MAGIC_OFFSET, MAGIC_OFFSET + USTAR.length, USTAR, 0, USTAR.length);
    }

    static void readGzip(byte[] archive, EntryCollector sink) throws IOException {
        // Concatenated members are one stream (pigz and `cat a.gz b.gz` produce them).
        try (var gzip = GzipCompressorInputStream.builder()
                .setByteArray(archive).setDecompressConcatenated(true).get()) {
            var tar = new BufferedInputStream(new ExpandedBytesLimit(gzip, sink.limits().maxExpandedBytes()));
            requireTarInside(tar);
            readEntries(tar, sink);
        }
    }

    static void readPlain(byte[] archive, EntryCollector sink) throws IOException {
        readEntries(new ExpandedBytesLimit(new ByteArrayInputStream(archive), sink.limits().maxExpandedBytes()), sink);
    }

    // A gzipped single file (schema.sql.gz) would otherwise fail later with a confusing tar error.
    private static void requireTarInside(BufferedInputStream in) throws IOException {
        in.mark(BLOCK);
        var header = in.readNBytes(BLOCK);
        in.reset();
        boolean emptyTar = header.length == BLOCK && allZero(header);
        if (!hasTarMagic(header) && !emptyTar) {
            throw Refusals.invalid("the gzip stream does not hold a tar archive; expected a .tar.gz "
                    + "(or a plain .tar or a .zip)");
        }
    }

    private static void readEntries(InputStream in, EntryCollector sink) throws IOException {
        try (var tar = new EndCheckingTarInput(in)) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                accept(tar, entry, sink);
            }
            if (!tar.sawEndMarker) {
                throw Refusals.invalid("the archive is truncated or corrupt: the tar ends without its end-of-archive "
                        + "marker, so entries may be missing");
            }
        }
    }

    /**
     * Notices the end-of-archive marker (a zero block). Without the check, a tar cut at an entry
     * boundary reads as a complete, smaller bundle, and a lost migration would go unnoticed.
     */
    private static final class EndCheckingTarInput extends TarArchiveInputStream {
        private boolean sawEndMarker;

        EndCheckingTarInput(InputStream in) {
            super(in, StandardCharsets.UTF_8.name());
        }

        @Override
        protected byte[] readRecord() throws IOException {
            var record = super.readRecord();
            if (record != null && isEOFRecord(record)) {
                sawEndMarker = true;
            }
            return record;
        }
    }

    private static void accept(TarArchiveInputStream tar, TarArchiveEntry entry, EntryCollector sink)
            throws IOException {
        var name = entry.getName();
        var refusal = refusal(entry);
        if (refusal.isPresent()) {
            sink.refuse(name, refusal.get());
        } else if (entry.isDirectory()) {
            sink.directory(name);
        } else {
            sink.file(name, entry.getSize(), tar);
        }
    }

    private static Optional<String> refusal(TarArchiveEntry entry) {
        if (entry.isSymbolicLink()) {
            return Optional.of(EntryCollector.kindRefused("a symbolic link"));
        }
        if (entry.isLink()) {
            return Optional.of(EntryCollector.kindRefused("a hard link"));
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            return Optional.of(EntryCollector.kindRefused("a device"));
        }
        if (entry.isFIFO()) {
            return Optional.of(EntryCollector.kindRefused("a FIFO"));
        }
        if (entry.isSparse()) {
            return Optional.of(EntryCollector.kindRefused("a sparse file"));
        }
        return entry.isDirectory() || isRegular(entry.getLinkFlag())
                ? Optional.empty()
                : Optional.of(EntryCollector.kindRefused("a tar entry of type '" + (char) entry.getLinkFlag() + "'"));
    }

    // isFile() of Commons Compress is true for any unknown type; accept only real regular files.
    private static boolean isRegular(byte linkFlag) {
        return linkFlag == TarConstants.LF_NORMAL || linkFlag == TarConstants.LF_OLDNORM
                || linkFlag == TarConstants.LF_CONTIG;
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
