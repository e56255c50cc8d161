package dev.cairn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a command uploads: a folder packed in memory by {@link Bundler}, or an archive file as it is. */
record Source(String fileName, byte[] archive) {

    static Source of(Path path) {
        if (Files.isDirectory(path)) {
            return new Source("bundle.tar.gz", Bundler.pack(path).archive());
        }
        if (!Files.isRegularFile(path)) {
            throw CliException.local(path + " does not exist (give a bundle folder or a .tar.gz)");
        }
        try {
            return new Source(path.getFileName().toString(), Files.readAllBytes(path));
        } catch (IOException e) {
            throw CliException.local("cannot read " + path + ": " + e.getMessage());
        }
    }
}
