package dev.cairn.bundle;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The known folders of a bundle. A file is part of a bundle only when it sits (at any depth) in one
 * of these and carries a SQL file extension; the folder decides what the file means, never its
 * content.
 */
public enum Folder {
    EXTENSIONS, TYPES, TABLES, MIGRATIONS, FUNCTIONS, SEEDERS, VIEWS;

    private static final List<String> SQL_SUFFIXES = List.of(".pssql", ".pgsql", ".sql");
    // extensions/ also takes .txt: an extension file's name is the extension, its content may be empty.
    private static final String EXTENSION_LIST_SUFFIX = ".txt";

    /** The folder's name in a bundle, e.g. {@code tables}. */
    public String dirName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Optional<Folder> byDirName(String dirName) {
        return Arrays.stream(values()).filter(f -> f.dirName().equals(dirName)).findFirst();
    }

    /** Whether a file of this name in this folder is SQL (and so part of the bundle). */
    boolean accepts(String fileName) {
        return isSql(fileName) || this == EXTENSIONS && hasSuffix(fileName, EXTENSION_LIST_SUFFIX);
    }

    /** Whether the name is SQL in any folder; such a file outside the known folders is a mistake. */
    static boolean isSql(String fileName) {
        return SQL_SUFFIXES.stream().anyMatch(suffix -> hasSuffix(fileName, suffix));
    }

    /** Whether some folder would take a file of this name, so its content is worth keeping. */
    static boolean anyAccepts(String fileName) {
        return EXTENSIONS.accepts(fileName);
    }

    static String knownList() {
        return String.join(", ", Arrays.stream(values()).map(f -> f.dirName() + "/").toList());
    }

    // Case-insensitive: a "USERS.SQL" silently ignored would be worse than accepted.
    private static boolean hasSuffix(String fileName, String suffix) {
        return fileName.length() > suffix.length()
                && fileName.regionMatches(true, fileName.length() - suffix.length(), suffix, 0, suffix.length());
    }
}
