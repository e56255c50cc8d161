package dev.cairn.bundle;

import java.io.IOException;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Reads a zip from memory through its central directory, which is the only place a zip records
 * that an entry is a symbolic link or device. The central directory is parsed whole before the
 * first entry, so the entry count is bounded beforehand (see {@link #centralHeaderCount}).
 */
final class ZipSource {

    private static final int FILE_TYPE_MASK = 0170000;
    // What every zip tool writes. Commons Compress claims more (xz, zstd, ...) but those need optional
    // libraries that are not on the class path, and fail with a NoClassDefFoundError.
    private static final Set<Integer> SUPPORTED_METHODS = Set.of(ZipEntry.STORED, ZipEntry.DEFLATED);

    private ZipSource() {
    }

    static void read(byte[] archive, EntryCollector sink) throws IOException {
        sink.expectAtMost(centralHeaderCount(archive));
        try (var zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(archive)).get()) {
            for (var entry : Collections.list(zip.getEntries())) {
                accept(zip, entry, sink);
            }
        }
    }

    private static void accept(ZipFile zip, ZipArchiveEntry entry, EntryCollector sink) throws IOException {
        var name = entry.getName();
        var refusal = refusal(zip, entry);
        if (refusal.isPresent()) {
            sink.refuse(name, refusal.get());
        } else if (isDirectory(entry)) {
            sink.directory(name);
        } else {
            try (var content = zip.getInputStream(entry)) {
                sink.file(name, entry.getSize(), content);
            }
        }
    }

    private static Optional<String> refusal(ZipFile zip, ZipArchiveEntry entry) {
        if (entry.isUnixSymlink()) {
            return Optional.of(EntryCollector.kindRefused("a symbolic link"));
        }
        int type = entry.getUnixMode() & FILE_TYPE_MASK;
        if (type != 0 && type != UnixStat.FILE_FLAG && type != UnixStat.DIR_FLAG) {
            return Optional.of(EntryCollector.kindRefused("a device, FIFO or socket"));
        }
        if (entry.getGeneralPurposeBit().usesEncryption()) {
            return Optional.of("is encrypted; Cairn cannot read it");
        }
        if (!isDirectory(entry) && !(SUPPORTED_METHODS.contains(entry.getMethod()) && zip.canReadEntryData(entry))) {
            return Optional.of("is compressed with an unsupported method (%d); use stored or deflate"
                    .formatted(entry.getMethod()));
        }
        return Optional.empty();
    }

    private static boolean isDirectory(ZipArchiveEntry entry) {
        return entry.isDirectory() || (entry.getUnixMode() & FILE_TYPE_MASK) == UnixStat.DIR_FLAG;
    }

    /**
     * An upper bound of the entries any zip reader can find: every central directory header
     * starts with {@code PK\1\2}. Counting them in the raw bytes does not depend on how the reader
     * locates the directory, so a lying end record cannot get more entries past the limit.
     */
    static long centralHeaderCount(byte[] archive) {
        long count = 0;
        for (int i = 0; i + 3 < archive.length; i++) {
            if (archive[i] == 'P' && archive[i + 1] == 'K' && archive[i + 2] == 1 && archive[i + 3] == 2) {
                count++;
            }
        }
        return count;
    }
}
