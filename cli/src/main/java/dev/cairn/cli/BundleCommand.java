package dev.cairn.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn bundle DIR [-o out.tar.gz]}: check and pack a bundle reproducibly, without a server. */
@Command(name = "bundle", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Check a bundle folder and pack it into a reproducible tar.gz whose root is postgresql/.",
            "DIR is a postgresql/ folder or the folder holding one; StoneScriptPHP main/ and tenant/ sub-trees"
                + " are kept. The same files always give the same bytes (sorted entries, mtime 0, uid/gid 0)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exit.L0, Exit.L1, Exit.L2})
final class BundleCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "the postgresql/ folder, or the folder that holds it")
    private Path dir;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "where to write the archive ('-' for stdout; default: NAME.tar.gz here)")
    private Path out;

    private final Cli root;

    BundleCommand(Cli root) {
        this.root = root;
    }

    @Override
    public Integer call() {
        Bundler.Packed packed = Bundler.pack(dir);
        Console console = root.console();
        boolean toStdout = out != null && out.toString().equals("-");
        Path target = Optional.ofNullable(out).orElseGet(() -> Path.of(defaultName(packed.root())));
        if (toStdout) {
            console.out().write(packed.archive(), 0, packed.archive().length);
            console.out().flush();
        } else {
            write(target, packed.archive());
        }
        String report = "packed %d file(s), %s of SQL, into %s: %s, sha256 %s".formatted(packed.files(),
                bytes(packed.sqlBytes()), toStdout ? "stdout" : target, bytes(packed.archive().length), packed.sha256());
        (toStdout ? console.err() : console.out()).println(report);
        return Exit.OK;
    }

    /** {@code notes.tar.gz} for examples/notes/postgresql: the folder that holds postgresql/ names it. */
    static String defaultName(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        Path named = abs.getFileName() != null && abs.getFileName().toString().equals("postgresql")
                && abs.getParent() != null && abs.getParent().getFileName() != null ? abs.getParent() : abs;
        return (named.getFileName() == null ? "bundle" : named.getFileName().toString()) + ".tar.gz";
    }

    private static void write(Path target, byte[] archive) {
        try {
            Files.write(target, archive);
        } catch (IOException e) {
            throw CliException.local("cannot write " + target + ": " + e.getMessage());
        }
    }

    static String bytes(long n) {
        return n < 1024 ? n + " B" : n < 1024 * 1024 ? String.format(Locale.ROOT, "%.1f KiB", n / 1024.0)
                : String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
}
