package dev.cairn.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds schema bundles (tar.gz) in memory for tests, from strings or from a folder. */
public final class Bundles {

    private Bundles() {
    }

    /** {@code files} maps paths ("postgresql/tables/a.sql") to SQL text. */
    public static byte[] tarGz(Map<String, String> files) {
        var bytes = new ByteArrayOutputStream();
        try (var gz = new GzipCompressorOutputStream(bytes); var tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var e : new TreeMap<>(files).entrySet()) {
                byte[] content = e.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(content.length);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Every regular file under {@code root}, with paths relative to {@code root}, packed as tar.gz. */
    public static byte[] tarGz(Path root) {
        return tarGz(files(root));
    }

    /** Every regular file under {@code root}, by its path relative to {@code root} (to add to or change). */
    public static Map<String, String> files(Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** A fixture folder under src/test/resources/fixtures. */
    public static Path fixture(String name) {
        Path p = Path.of("src/test/resources/fixtures", name);
        if (!Files.isDirectory(p)) {
            throw new IllegalArgumentException("no fixture " + p.toAbsolutePath());
        }
        return p;
    }
}
