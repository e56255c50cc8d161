package dev.cairn.bundle;

/**
 * A regular file as read from an archive or directory, before the layout is understood.
 *
 * @param path    normalized, see {@link EntryPath}
 * @param content the bytes, or empty when no folder could take the file and it is not a
 *                {@code data-api.json} (the content was counted against the limits, then dropped)
 */
record RawFile(String path, byte[] content) {
}
