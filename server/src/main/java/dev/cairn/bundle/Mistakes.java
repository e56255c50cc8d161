package dev.cairn.bundle;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Refusals for a bundle laid out wrongly. Each names the file at fault (in the {@code file}
 * field too) and, where a folder name is a near miss, the folder that was probably meant.
 */
final class Mistakes {

    private static final int MAX_LISTED = 5;
    private static final int MAX_TYPO_DISTANCE = 2;

    private Mistakes() {
    }

    static RuntimeException noRoot(List<String> paths, List<String> junk) {
        var sql = paths.stream().filter(path -> Folder.isSql(EntryCollector.fileName(path))).findFirst();
        if (sql.isEmpty()) {
            return noSql(concat(paths, junk), "");
        }
        var file = sql.get();
        var message = "'%s' is not in a known folder%s; a bundle's root is postgresql/ or the folders themselves (%s)";
        return Refusals.invalid(message.formatted(file, suggestion(file.split("/")), Folder.knownList()), file);
    }

    static RuntimeException outsideRoot(String file, String root) {
        var message = "'%s' is outside the bundle root '%s'; a bundle has one root (postgresql/ or the folders themselves)";
        return Refusals.invalid(message.formatted(file, root), file);
    }

    static RuntimeException outsideSubtree(String file, String subtreeRoot) {
        var message = "'%s' is outside the sub-tree's folders, which are under '%s'";
        return Refusals.invalid(message.formatted(file, subtreeRoot), file);
    }

    static RuntimeException unknownFolder(String file, String relative) {
        int slash = relative.indexOf('/');
        if (slash < 0) {
            return Refusals.invalid("'%s' is a SQL file outside the known folders (%s)"
                    .formatted(file, Folder.knownList()), file);
        }
        var folder = relative.substring(0, slash);
        return Refusals.invalid("'%s' is in an unknown folder '%s/'%s; known folders: %s"
                .formatted(file, folder, suggestion(folder), Folder.knownList()), file);
    }

    static RuntimeException conflict(String path, String first, String second, Variant variant) {
        var message = "'%s' and '%s' both define '%s'; a file lives in the %s/ sub-tree or in the shared folders, not both";
        return Refusals.invalid(message.formatted(first, second, path, variant.dirName()), path)
                .with("files", List.of(first, second));
    }

    /** {@code context} is appended to the folder list, e.g. which sub-tree was skipped. */
    static RuntimeException noSql(List<String> ignored, String context) {
        var listed = ignored.isEmpty() ? "" : "; ignored: " + String.join(", ", ignored.stream().limit(MAX_LISTED).toList())
                + (ignored.size() > MAX_LISTED ? ", ..." : "");
        return Refusals.invalid("the bundle holds no SQL file (.pssql, .pgsql, .sql) in %s%s%s"
                .formatted(Folder.knownList(), context, listed));
    }

    private static String suggestion(String... segments) {
        return Arrays.stream(segments)
                .flatMap(segment -> Arrays.stream(Folder.values())
                        .filter(folder -> isNearMiss(segment, folder.dirName())))
                .findFirst()
                .map(folder -> " (did you mean '" + folder.dirName() + "/'?)")
                .orElse("");
    }

    private static boolean isNearMiss(String segment, String known) {
        var candidate = segment.toLowerCase(Locale.ROOT);
        return !segment.equals(known) && distance(candidate, known) <= MAX_TYPO_DISTANCE;
    }

    /** Levenshtein distance; folder names are short, so the quadratic table is cheap. */
    private static int distance(String a, String b) {
        var previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            var current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            previous = current;
        }
        return previous[b.length()];
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).sorted(NaturalOrder.INSTANCE).toList();
    }
}
