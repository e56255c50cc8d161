package dev.cairn.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Receives the entries of one archive or directory in reading order and enforces everything that
 * does not depend on the layout: the entry count, the size of each file, the expanded total, clean
 * names and unique paths. Every source goes through it, so the rules cannot drift between formats.
 *
 * <p>Invariant: after each call, the limits hold for everything received so far; a call that would
 * break one throws instead. One collector per read; not thread-safe.
 */
final class EntryCollector {

    private static final byte[] NOTHING = new byte[0];

    private final BundleLimits limits;
    private final List<RawFile> files = new ArrayList<>();
    private final Set<String> paths = new HashSet<>();
    private final Set<String> directories = new HashSet<>();
    private int entries;
    private long expandedBytes;

    EntryCollector(BundleLimits limits) {
        this.limits = limits;
    }

    BundleLimits limits() {
        return limits;
    }

    void directory(String rawName) {
        count();
        EntryPath.normalize(rawName).ifPresent(directories::add);
    }

    /**
     * Reads the file's content from {@code content} (never closing it) within the limits.
     * {@code declaredSize} is what the archive's header claims, or -1 when unknown.
     */
    void file(String rawName, long declaredSize, InputStream content) throws IOException {
        count();
        var path = EntryPath.normalize(rawName)
                .orElseThrow(() -> Refusals.invalid("a file entry has no name", rawName));
        if (!paths.add(path)) {
            throw Refusals.invalid("'%s' appears twice in the bundle".formatted(path), path);
        }
        if (declaredSize > limits.maxFileBytes()) {
            throw fileTooLarge(path);
        }
        var bytes = readBounded(path, content);
        // Header and data disagree: a damaged zip (readers do not hold an entry to its recorded size).
        if (declaredSize >= 0 && bytes.length != declaredSize) {
            throw Refusals.invalid("the archive is truncated or corrupt: '%s' should hold %d bytes but holds %d"
                    .formatted(path, declaredSize, bytes.length), path);
        }
        boolean kept = Folder.anyAccepts(fileName(path)) || fileName(path).equals(Bundle.DATA_API);
        files.add(new RawFile(path, kept ? bytes : NOTHING));
    }

    /** Refuses an entry; {@code problem} completes "'name' ...", e.g. {@link #kindRefused}. */
    void refuse(String rawName, String problem) {
        count();
        throw Refusals.invalid("'%s' %s".formatted(rawName, problem), rawName);
    }

    /** The problem of an entry of a kind a bundle never needs (links, devices, ...). */
    static String kindRefused(String kind) {
        return "is %s; a bundle holds only regular files and directories".formatted(kind);
    }

    /** Checked before opening an archive whose directory must be read whole before any entry. */
    void expectAtMost(long entryCount) {
        if (entryCount > limits.maxFiles()) {
            throw filesRefusal();
        }
    }

    /** The regular files received, once all entries are in (a file may not also be a directory). */
    List<RawFile> files() {
        var parents = new HashSet<>(directories);
        files.forEach(file -> parents.addAll(ancestors(file.path())));
        files.stream().map(RawFile::path).filter(parents::contains).findFirst().ifPresent(path -> {
            throw Refusals.invalid("'%s' is both a file and a directory".formatted(path), path);
        });
        return List.copyOf(files);
    }

    private static List<String> ancestors(String path) {
        var ancestors = new ArrayList<String>();
        for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
            ancestors.add(path.substring(0, slash));
        }
        return ancestors;
    }

    private void count() {
        entries++;
        if (entries > limits.maxFiles()) {
            throw filesRefusal();
        }
    }

    private byte[] readBounded(String path, InputStream content) throws IOException {
        var out = new ByteArrayOutputStream();
        var buffer = new byte[8192];
        long size = 0;
        for (int n; (n = content.read(buffer)) != -1; ) {
            size += n;
            expandedBytes += n;
            if (size > limits.maxFileBytes()) {
                throw fileTooLarge(path);
            }
            if (expandedBytes > limits.maxExpandedBytes()) {
                throw Refusals.tooLarge(BundleLimits.MAX_EXPANDED_BYTES, limits.maxExpandedBytes(),
                        "the bundle's files add up to more than", true).with("file", path);
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private RuntimeException fileTooLarge(String path) {
        return Refusals.tooLarge(BundleLimits.MAX_FILE_BYTES, limits.maxFileBytes(),
                "'%s' is larger than".formatted(path), true).with("file", path);
    }

    private RuntimeException filesRefusal() {
        return Refusals.tooLarge(BundleLimits.MAX_FILES, limits.maxFiles(),
                "the bundle has more entries (files and directories) than", false);
    }

    static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
