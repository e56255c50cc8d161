package dev.cairn.bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns an entry name from an archive (or a directory walk) into a clean relative path, or refuses
 * it. A clean path has no empty, {@code .} or {@code ..} segments, no leading or trailing slash and
 * no characters that mean something else on another system (backslash, NUL, controls).
 */
final class EntryPath {

    // Longer than any real path (Linux PATH_MAX); bounds the work on a hostile PAX or GNU long name.
    private static final int MAX_LENGTH = 4096;
    private static final Pattern DRIVE_LETTER = Pattern.compile("^[A-Za-z]:.*");

    private EntryPath() {
    }

    /** The normalized path; empty for the archive's root itself (e.g. an entry named {@code ./}). */
    static Optional<String> normalize(String rawName) {
        checkCharacters(rawName);
        if (rawName.startsWith("/") || DRIVE_LETTER.matcher(rawName).matches()) {
            throw refuse(rawName, "is an absolute path");
        }
        List<String> segments = new ArrayList<>();
        for (var segment : rawName.split("/")) {
            if (segment.equals("..")) {
                throw refuse(rawName, "climbs out of the bundle with '..'");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                segments.add(segment);
            }
        }
        return segments.isEmpty() ? Optional.empty() : Optional.of(String.join("/", segments));
    }

    private static void checkCharacters(String rawName) {
        if (rawName.length() > MAX_LENGTH) {
            throw refuse(rawName.substring(0, 80) + "...", "is longer than " + MAX_LENGTH + " characters");
        }
        if (rawName.indexOf('\\') >= 0) {
            throw refuse(rawName, "contains a backslash (Windows path separators are not accepted)");
        }
        if (rawName.indexOf('\0') >= 0) {
            throw refuse(rawName.replace('\0', '?'), "contains a NUL character");
        }
        if (rawName.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw refuse(rawName, "contains a control character");
        }
    }

    private static RuntimeException refuse(String rawName, String problem) {
        return Refusals.invalid("entry name '%s' %s".formatted(rawName, problem), rawName);
    }
}
