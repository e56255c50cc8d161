package dev.cairn.bundle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A schema bundle as read, independent of the archive format it came in.
 *
 * @param files     the SQL files, by folder then in {@link NaturalOrder} of their paths
 * @param ignored   archive paths of files that are not part of the bundle (README.md, .gitkeep, ...),
 *                  in natural order
 * @param subtree   the StoneScriptPHP sub-tree taken ({@code main} or {@code tenant}), if the bundle has one
 * @param rootPrefix where the bundle root sits in the archive: {@code ""}, {@code "postgresql/"},
 *                  {@code "x/postgresql/"}, ...
 * @param dataApi   the text of {@code data-api.json} at the bundle root (the platform's data-API
 *                  settings), if the bundle ships one; not part of the checksum, which is the schema's
 */
public record Bundle(List<BundleFile> files, List<String> ignored, Optional<String> subtree, String rootPrefix,
                     Optional<String> dataApi) {

    /** The name of the data-API settings file at the bundle root. */
    public static final String DATA_API = "data-api.json";

    public Bundle {
        files = List.copyOf(files);
        ignored = List.copyOf(ignored);
        Objects.requireNonNull(subtree, "subtree");
        Objects.requireNonNull(rootPrefix, "rootPrefix");
        Objects.requireNonNull(dataApi, "dataApi");
    }

    /** The files of one folder in natural path order (the order migrations run in). */
    public List<BundleFile> in(Folder folder) {
        return files.stream()
                .filter(file -> file.folder() == folder)
                .sorted(Comparator.comparing(BundleFile::path, NaturalOrder.INSTANCE))
                .toList();
    }

    public boolean has(Folder folder) {
        return files.stream().anyMatch(file -> file.folder() == folder);
    }

    /**
     * Hex SHA-256 of the files' paths and texts, sorted by path, each length-prefixed so that no two
     * different bundles encode alike. It depends on content only: the same files in a tar.gz, a zip
     * or a directory, in any entry order, give the same checksum.
     */
    public String checksum() {
        var digest = sha256();
        files.stream()
                .sorted(Comparator.comparing(BundleFile::path))
                .forEach(file -> {
                    update(digest, file.path());
                    update(digest, file.text());
                });
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void update(MessageDigest digest, String value) {
        var bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
