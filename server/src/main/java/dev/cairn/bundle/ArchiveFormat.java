package dev.cairn.bundle;

import java.io.IOException;
import java.util.Map;

/**
 * The archive formats a bundle may come in, told apart by their magic bytes only (a file name or
 * content type from a client proves nothing).
 */
enum ArchiveFormat {
    GZIP_TAR, TAR, ZIP;

    static final String ACCEPTED = "a .tar.gz (or .tgz), a plain .tar or a .zip";

    // Formats people plausibly send instead, named in the refusal.
    private static final Map<String, byte[]> LOOKALIKES = Map.of(
            "bzip2", new byte[] {'B', 'Z', 'h'},
            "xz", new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0},
            "zstd", new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd},
            "7-Zip", new byte[] {'7', 'z', (byte) 0xbc, (byte) 0xaf, 0x27, 0x1c},
            "RAR", new byte[] {'R', 'a', 'r', '!'});

    static ArchiveFormat sniff(byte[] bytes) {
        if (startsWith(bytes, 0x1f, 0x8b)) {
            return GZIP_TAR;
        }
        if (startsWith(bytes, 'P', 'K', 3, 4) || startsWith(bytes, 'P', 'K', 5, 6)) {
            return ZIP;
        }
        if (TarSource.hasTarMagic(bytes)) {
            return TAR;
        }
        throw Refusals.invalid("the upload is not an archive Cairn reads%s; send %s".formatted(lookalike(bytes), ACCEPTED));
    }

    void read(byte[] archive, EntryCollector sink) throws IOException {
        switch (this) {
            case GZIP_TAR -> TarSource.readGzip(archive, sink);
            case TAR -> TarSource.readPlain(archive, sink);
            case ZIP -> ZipSource.read(archive, sink);
        }
    }

    private static String lookalike(byte[] bytes) {
        if (bytes.length == 0) {
            return " (it is empty)";
        }
        return LOOKALIKES.entrySet().stream()
                .filter(entry -> startsWith(bytes, entry.getValue()))
                .map(entry -> " (it looks like " + entry.getKey() + ")")
                .findFirst()
                .orElse("");
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        var asBytes = new byte[prefix.length];
        for (int i = 0; i < prefix.length; i++) {
            asBytes[i] = (byte) prefix[i];
        }
        return startsWith(bytes, asBytes);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }
}
