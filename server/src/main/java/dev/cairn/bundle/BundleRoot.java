package dev.cairn.bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds where a bundle's folders sit in an archive. The root is the first of {@code ""},
 * {@code postgresql/}, {@code W/} and {@code W/postgresql/} (W a top-level directory, in natural
 * order) that directly holds a known folder, or a StoneScriptPHP {@code main/} or {@code tenant/}
 * sub-tree, with a SQL file in it. Only SQL files count, so stray READMEs or {@code .gitkeep}
 * folders never decide the layout. Files left outside the root are checked by {@link Layout}.
 */
final class BundleRoot {

    static final String WRAPPER = "postgresql/";

    private BundleRoot() {
    }

    static Optional<String> find(List<String> paths) {
        var sql = paths.stream().filter(path -> Folder.anyAccepts(EntryCollector.fileName(path))).toList();
        return candidates(sql).filter(prefix -> holdsBundle(prefix, sql)).findFirst();
    }

    private static Stream<String> candidates(List<String> paths) {
        var candidates = new ArrayList<>(List.of("", WRAPPER));
        paths.stream()
                .filter(path -> path.contains("/"))
                .map(path -> path.substring(0, path.indexOf('/') + 1))
                .distinct()
                .sorted(NaturalOrder.INSTANCE)
                .forEach(top -> candidates.addAll(List.of(top, top + WRAPPER)));
        return candidates.stream().distinct();
    }

    private static boolean holdsBundle(String prefix, List<String> sqlPaths) {
        return sqlPaths.stream()
                .filter(path -> path.startsWith(prefix))
                .anyMatch(path -> belongsAt(path.substring(prefix.length()), EntryCollector.fileName(path)));
    }

    private static boolean belongsAt(String relative, String fileName) {
        int slash = relative.indexOf('/');
        if (slash < 0) {
            return false;
        }
        var top = relative.substring(0, slash);
        if (isSubtree(top)) {
            return true;
        }
        return Folder.byDirName(top).filter(folder -> folder.accepts(fileName)).isPresent();
    }

    static boolean isSubtree(String dirName) {
        return Stream.of(Variant.values()).anyMatch(variant -> variant.dirName().equals(dirName));
    }
}
