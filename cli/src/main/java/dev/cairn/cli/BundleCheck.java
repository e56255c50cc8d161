package dev.cairn.cli;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The rules a bundle's files must follow, checked before anything is sent, with the server's own
 * layout: SQL files ({@code .sql}, {@code .pssql}, {@code .pgsql}; {@code .txt} too in
 * {@code extensions/}) in the known folders, at any depth, optionally inside StoneScriptPHP
 * {@code main/} and {@code tenant/} sub-trees (themselves optionally with a {@code postgresql/}
 * level), strict UTF-8 without NUL. Hidden files and {@code __MACOSX/} are left out, as the
 * server ignores them.
 */
final class BundleCheck {

    static final List<String> FOLDERS = List.of("extensions", "types", "tables", "migrations", "views",
            "functions", "seeders");
    static final Set<String> SUBTREES = Set.of("main", "tenant");
    private static final List<String> SQL_SUFFIXES = List.of(".sql", ".pssql", ".pgsql");
    private static final String WRAPPER = "postgresql";
    private static final int MAX_TYPO_DISTANCE = 2;

    private BundleCheck() {
    }

    static boolean isJunk(String relative) {
        for (String segment : relative.split("/")) {
            if (segment.startsWith(".") || segment.equals("__MACOSX")) {
                return true;
            }
        }
        return false;
    }

    static boolean isSql(String fileName) {
        return SQL_SUFFIXES.stream().anyMatch(s -> hasSuffix(fileName, s));
    }

    /** What is wrong with the file at {@code relative} (to the bundle root), if anything. */
    static Optional<String> problem(String shown, String relative, byte[] content) {
        return placement(shown, relative).or(() -> encoding(shown, content));
    }

    private static Optional<String> placement(String shown, String relative) {
        List<String> segments = new ArrayList<>(List.of(relative.split("/")));
        String fileName = segments.get(segments.size() - 1);
        if (segments.size() > 2 && SUBTREES.contains(segments.get(0))) {
            segments.remove(0);
            if (segments.size() > 2 && segments.get(0).equals(WRAPPER)) {
                segments.remove(0);
            }
        }
        if (segments.size() == 1 || segments.size() == 2 && SUBTREES.contains(segments.get(0))) {
            return Optional.of("'%s' is not in a folder; bundle files go in %s".formatted(shown, knownList()));
        }
        String folder = segments.get(0);
        if (!FOLDERS.contains(folder)) {
            return Optional.of("'%s' is in an unknown folder '%s/'%s; known folders: %s"
                    .formatted(shown, folder, suggestion(folder), knownList()));
        }
        boolean extensionList = folder.equals("extensions") && hasSuffix(fileName, ".txt");
        if (!isSql(fileName) && !extensionList) {
            return Optional.of("'%s' is not a SQL file: bundle files end in .sql, .pssql or .pgsql".formatted(shown));
        }
        return Optional.empty();
    }

    /** Strict UTF-8 (a leading byte order mark is fine) and no NUL, which SQL text cannot hold. */
    private static Optional<String> encoding(String shown, byte[] content) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        try {
            decoder.decode(in);
        } catch (CharacterCodingException e) {
            int offset = firstInvalid(content);
            boolean utf16 = content.length >= 2 && ((content[0] & 0xff) == 0xff && (content[1] & 0xff) == 0xfe
                    || (content[0] & 0xff) == 0xfe && (content[1] & 0xff) == 0xff);
            return Optional.of("'%s' is not valid UTF-8 at byte offset %d (line %d)%s".formatted(shown, offset,
                    line(content, offset), utf16 ? "; it looks like UTF-16, save it as UTF-8" : ""));
        }
        for (int i = 0; i < content.length; i++) {
            if (content[i] == 0) {
                return Optional.of("'%s' contains a NUL character at byte offset %d (line %d)"
                        .formatted(shown, i, line(content, i)));
            }
        }
        return Optional.empty();
    }

    // Re-decodes growing prefixes only on failure, to name the offset; bundles are small.
    private static int firstInvalid(byte[] content) {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(content);
        var out = java.nio.CharBuffer.allocate(content.length + 1);
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : content.length;
    }

    private static int line(byte[] content, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < content.length; i++) {
            if (content[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    static String knownList() {
        return String.join(", ", FOLDERS.stream().map(f -> f + "/").toList()) + " (or main/ and tenant/ sub-trees of them)";
    }

    private static String suggestion(String folder) {
        return FOLDERS.stream().filter(known -> distance(folder.toLowerCase(Locale.ROOT), known) <= MAX_TYPO_DISTANCE)
                .findFirst().map(known -> " (did you mean '" + known + "/'?)").orElse("");
    }

    private static boolean hasSuffix(String fileName, String suffix) {
        return fileName.length() > suffix.length()
                && fileName.regionMatches(true, fileName.length() - suffix.length(), suffix, 0, suffix.length());
    }

    /** Levenshtein distance; folder names are short. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            previous = current;
        }
        return previous[b.length()];
    }
}
