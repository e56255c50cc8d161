package dev.cairn.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Packs a bundle folder into a tar.gz whose root is {@code postgresql/}, reproducibly: the same
 * files give the same bytes whatever their mtimes, owners or modes on disk (entries sorted by
 * name, mtime 0, uid/gid 0 without names, modes 0644 and 0755, a gzip header without mtime).
 * Every file is checked by {@link BundleCheck} first; all problems are reported together.
 */
final class Bundler {

    private static final String ROOT = "postgresql/";
    private static final int FILE_MODE = 0100644;
    private static final int DIR_MODE = 040755;

    /** @param sqlBytes the total size of the packed files */
    record Packed(byte[] archive, int files, long sqlBytes, Path root) {

        String sha256() {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Bundler() {
    }

    static Packed pack(Path dir) {
        Path root = root(dir);
        TreeMap<String, byte[]> files = read(root);
        return new Packed(tarGz(files), files.size(), files.values().stream().mapToLong(b -> b.length).sum(), root);
    }

    /** {@code DIR/postgresql} when DIR holds one, else DIR itself (a postgresql/ folder by another name). */
    static Path root(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw CliException.local(Files.exists(dir) ? dir + " is not a directory" : dir + " does not exist");
        }
        Path nested = dir.resolve("postgresql");
        return Files.isDirectory(nested) ? nested : dir;
    }

    private static TreeMap<String, byte[]> read(Path root) {
        TreeMap<String, byte[]> files = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Path file : regularFiles(root)) {
            String relative = relative(root, file);
            if (BundleCheck.isJunk(relative)) {
                continue;
            }
            byte[] content = readAll(file);
            String shown = ROOT + relative;
            BundleCheck.problem(shown, relative, content).ifPresentOrElse(problems::add,
                    () -> files.put(relative, content));
        }
        if (!problems.isEmpty()) {
            throw CliException.local("the bundle in " + root + " is not valid:\n  - " + String.join("\n  - ", problems));
        }
        if (files.keySet().stream().noneMatch(f -> BundleCheck.isSql(f.substring(f.lastIndexOf('/') + 1)))) {
            throw CliException.local("the bundle in " + root + " holds no SQL file (.sql, .pssql, .pgsql) in "
                    + BundleCheck.knownList());
        }
        return files;
    }

    private static List<Path> regularFiles(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw CliException.local("cannot read " + root + ": " + e.getMessage());
        }
    }

    private static String relative(Path root, Path file) {
        List<String> parts = new ArrayList<>();
        root.relativize(file).forEach(p -> parts.add(p.toString()));
        return String.join("/", parts);
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw CliException.local("cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * The JDK's gzip header has mtime 0 and a fixed OS byte, so only the entries decide the bytes.
     * Directory entries are written for every parent, so the archive unpacks with sane modes.
     */
    private static byte[] tarGz(TreeMap<String, byte[]> files) {
        TreeSet<String> directories = new TreeSet<>(List.of(ROOT));
        for (String path : files.keySet()) {
            for (int slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
                directories.add(ROOT + path.substring(0, slash + 1));
            }
        }
        TreeMap<String, byte[]> entries = new TreeMap<>();
        directories.forEach(d -> entries.put(d, new byte[0]));
        files.forEach((path, content) -> entries.put(ROOT + path, content));
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GZIPOutputStream(bytes);
             var tar = new TarArchiveOutputStream(gzip, "UTF-8")) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (var e : entries.entrySet()) {
                boolean dir = e.getKey().endsWith("/");
                tar.putArchiveEntry(entry(e.getKey(), dir, e.getValue().length));
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static TarArchiveEntry entry(String name, boolean dir, long size) {
        var entry = new TarArchiveEntry(name, dir ? TarArchiveEntry.LF_DIR : TarArchiveEntry.LF_NORMAL);
        entry.setMode(dir ? DIR_MODE : FILE_MODE);
        entry.setModTime(java.nio.file.attribute.FileTime.fromMillis(0));
        entry.setIds(0, 0);
        entry.setUserName("");
        entry.setGroupName("");
        entry.setSize(dir ? 0 : size);
        return entry;
    }
}
