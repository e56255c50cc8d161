package dev.cairn.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds archives in memory (and directories on disk) for the tests. */
final class TestArchives {

    enum Kind { FILE, DIRECTORY, SYMLINK, HARD_LINK, CHAR_DEVICE, FIFO }

    /** One entry; {@code target} is the link target for links. */
    record Entry(String name, Kind kind, byte[] content, String target) {
    }

    private TestArchives() {
    }

    static Entry file(String name, String text) {
        return new Entry(name, Kind.FILE, text.getBytes(StandardCharsets.UTF_8), "");
    }

    static Entry file(String name, byte[] content) {
        return new Entry(name, Kind.FILE, content, "");
    }

    static Entry dir(String name) {
        return new Entry(name, Kind.DIRECTORY, new byte[0], "");
    }

    static Entry symlink(String name, String target) {
        return new Entry(name, Kind.SYMLINK, new byte[0], target);
    }

    static Entry hardLink(String name, String target) {
        return new Entry(name, Kind.HARD_LINK, new byte[0], target);
    }

    static Entry charDevice(String name) {
        return new Entry(name, Kind.CHAR_DEVICE, new byte[0], "");
    }

    static byte[] tarGz(Entry... entries) {
        var bytes = new ByteArrayOutputStream();
        try (var gzip = new GzipCompressorOutputStream(bytes)) {
            writeTar(gzip, entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] tar(Entry... entries) {
        var bytes = new ByteArrayOutputStream();
        try {
            writeTar(bytes, entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static void writeTar(OutputStream out, Entry... entries) throws IOException {
        var tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        for (var entry : entries) {
            tar.putArchiveEntry(tarEntry(entry));
            tar.write(entry.content());
            tar.closeArchiveEntry();
        }
        tar.finish();
    }

    private static TarArchiveEntry tarEntry(Entry entry) {
        // preserveAbsolutePath: the tests need names exactly as given, "/etc/x" included.
        var tarEntry = new TarArchiveEntry(entry.name(), linkFlag(entry.kind()), true);
        tarEntry.setSize(entry.content().length);
        tarEntry.setLinkName(entry.target());
        return tarEntry;
    }

    private static byte linkFlag(Kind kind) {
        return switch (kind) {
            case FILE -> TarConstants.LF_NORMAL;
            case DIRECTORY -> TarConstants.LF_DIR;
            case SYMLINK -> TarConstants.LF_SYMLINK;
            case HARD_LINK -> TarConstants.LF_LINK;
            case CHAR_DEVICE -> TarConstants.LF_CHR;
            case FIFO -> TarConstants.LF_FIFO;
        };
    }

    static byte[] zip(Entry... entries) {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipArchiveOutputStream(bytes)) {
            for (var entry : entries) {
                zip.putArchiveEntry(zipEntry(entry));
                zip.write(entry.kind() == Kind.SYMLINK ? entry.target().getBytes(StandardCharsets.UTF_8) : entry.content());
                zip.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static ZipArchiveEntry zipEntry(Entry entry) {
        var name = entry.kind() == Kind.DIRECTORY && !entry.name().endsWith("/") ? entry.name() + "/" : entry.name();
        var zipEntry = new ZipArchiveEntry(name);
        switch (entry.kind()) {
            case SYMLINK -> zipEntry.setUnixMode(UnixStat.LINK_FLAG | 0777);
            case CHAR_DEVICE -> zipEntry.setUnixMode(0020000 | 0644);
            case DIRECTORY -> zipEntry.setUnixMode(UnixStat.DIR_FLAG | 0755);
            default -> zipEntry.setUnixMode(UnixStat.FILE_FLAG | 0644);
        }
        return zipEntry;
    }

    /** Lays the regular files and directories out under {@code root}. */
    static void directory(Path root, Entry... entries) {
        try {
            for (var entry : entries) {
                var path = root.resolve(entry.name());
                if (entry.kind() == Kind.DIRECTORY) {
                    Files.createDirectories(path);
                } else {
                    Files.createDirectories(path.getParent());
                    Files.write(path, entry.content());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
