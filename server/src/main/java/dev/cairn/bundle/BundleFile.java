package dev.cairn.bundle;

import java.util.Objects;

/**
 * One SQL file of a bundle.
 *
 * @param folder the known folder it belongs to
 * @param path   relative to the bundle root, starting with the folder, e.g. {@code tables/users.pssql}
 *               or {@code functions/auth/login.sql}; never the archive's wrapper or sub-tree prefix
 * @param name   the file name without directories
 * @param text   the content, valid UTF-8 decoded, without a byte order mark
 */
public record BundleFile(Folder folder, String path, String name, String text) {

    public BundleFile {
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
    }
}
