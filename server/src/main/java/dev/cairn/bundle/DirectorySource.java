package dev.cairn.bundle;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;

/**
 * Reads a bundle from a directory on disk (the CLI and tests) under the same rules as an archive:
 * links are refused, never followed, and the same limits apply. Only the directory handed in is
 * resolved through links, since the operator chose it (on macOS {@code /tmp} itself is a link).
 */
final class DirectorySource {

    // The listed size may change before the file is read; the collector's bounded read decides.
    private static final long UNKNOWN_SIZE = -1;

    private DirectorySource() {
    }

    static void read(Path directory, EntryCollector sink) {
        var root = realDirectory(directory);
        try {
            Files.walkFileTree(root, new Visitor(root, sink));
        } catch (IOException e) {
            throw Refusals.invalid("could not read the bundle directory: " + e.getMessage());
        }
    }

    private static Path realDirectory(Path directory) {
        try {
            var real = directory.toRealPath();
            if (!Files.isDirectory(real)) {
                throw Refusals.invalid("'%s' is not a directory".formatted(directory));
            }
            return real;
        } catch (IOException e) {
            throw Refusals.invalid("could not open the bundle directory '%s': %s".formatted(directory, e));
        }
    }

    /** Walks without following links (the default of walkFileTree), so a link arrives as a file. */
    private static final class Visitor extends SimpleFileVisitor<Path> {
        private final Path root;
        private final EntryCollector sink;

        Visitor(Path root, EntryCollector sink) {
            this.root = root;
            this.sink = sink;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
            if (!dir.equals(root)) {
                sink.directory(relative(dir));
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
            var name = relative(file);
            if (attributes.isSymbolicLink()) {
                sink.refuse(name, EntryCollector.kindRefused("a symbolic link"));
            } else if (!attributes.isRegularFile()) {
                sink.refuse(name, EntryCollector.kindRefused("a device, FIFO or socket"));
            } else {
                // NOFOLLOW: the file may have been swapped for a link since it was listed.
                try (var content = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                    sink.file(name, UNKNOWN_SIZE, content);
                }
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException failure) {
            var name = relative(file);
            throw Refusals.invalid("could not read '%s': %s".formatted(name, failure.getMessage()), name);
        }

        private String relative(Path path) {
            var segments = new ArrayList<String>();
            root.relativize(path).forEach(segment -> segments.add(segment.toString()));
            return String.join("/", segments);
        }
    }
}
