package dev.cairn.deploy;

import dev.cairn.bundle.Bundle;
import dev.cairn.bundle.BundleFile;
import dev.cairn.bundle.Folder;
import dev.cairn.sql.Checksums;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * The identity of a bundle's content: SHA-256 over every file's path and normalized SQL, so a
 * re-formatted or re-commented bundle is the same version and a changed literal is a new one.
 * Extension files are digested by what they ask for (their header comments), not their SQL.
 */
public final class BundleDigest {

    private BundleDigest() {
    }

    public static String of(Bundle bundle) {
        var out = new ByteArrayOutputStream();
        bundle.files().stream().sorted(Comparator.comparing(BundleFile::path)).forEach(file -> {
            write(out, file.path());
            write(out, content(file));
        });
        return Checksums.sha256Hex(out.toByteArray());
    }

    private static String content(BundleFile file) {
        if (file.folder() == Folder.EXTENSIONS) {
            ExtensionStep.Wanted wanted = ExtensionStep.parse(file);
            return wanted.name() + "|" + wanted.version().orElse("") + "|" + wanted.schema().orElse("");
        }
        return Checksums.normalize(file.text());
    }

    /** Length-prefixed, so no two different file lists concatenate to the same bytes. */
    private static void write(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        out.writeBytes(bytes);
    }
}
