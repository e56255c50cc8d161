package dev.cairn.bundle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides which files of an archive make up the bundle, and where each belongs.
 *
 * <p>Rules: hidden files and {@code __MACOSX/} are ignored; a SQL file must sit in a known folder
 * under the root (see {@link BundleRoot}), anywhere else it is an error (likely a typo, and a
 * silently skipped migration is worse than a refusal); {@code data-api.json} at the root is the
 * platform's data-API settings (a sub-tree's wins over the shared one); other files are ignored
 * and listed. With
 * StoneScriptPHP sub-trees, the chosen one ({@code main/postgresql/} or {@code main/}) is merged
 * with the shared folders beside it, the other one is skipped, and a path present in both the
 * sub-tree and the shared folders is an error. A bundle without any SQL file is an error.
 */
final class Layout {

    private record Placed(Folder folder, String path, String archivePath, byte[] content) {
    }

    private final String root;
    private final Variant variant;
    private final Optional<String> subtreeRoot;
    private final Map<String, Placed> taken = new LinkedHashMap<>();
    private final List<String> ignored = new ArrayList<>();
    private Optional<String> dataApi = Optional.empty();
    private boolean skippedOtherSubtree;

    private Layout(String root, Variant variant, Optional<String> subtreeRoot) {
        this.root = root;
        this.variant = variant;
        this.subtreeRoot = subtreeRoot;
    }

    static Bundle read(List<RawFile> files, Variant variant) {
        var sorted = files.stream().sorted(Comparator.comparing(RawFile::path, NaturalOrder.INSTANCE)).toList();
        var junk = sorted.stream().filter(file -> isJunk(file.path())).map(RawFile::path).toList();
        var candidates = sorted.stream().filter(file -> !isJunk(file.path())).toList();
        var paths = candidates.stream().map(RawFile::path).toList();
        var root = BundleRoot.find(paths).orElseThrow(() -> Mistakes.noRoot(paths, junk));
        var layout = new Layout(root, variant, subtreeRoot(root, variant, paths));
        layout.ignored.addAll(junk);
        candidates.forEach(layout::place);
        return layout.bundle();
    }

    // Editor, VCS and macOS droppings: .DS_Store, .gitkeep, ._users.sql (AppleDouble), __MACOSX/.
    private static boolean isJunk(String path) {
        for (var segment : path.split("/")) {
            if (segment.startsWith(".") || segment.equals("__MACOSX")) {
                return true;
            }
        }
        return false;
    }

    /** {@code main/postgresql/} when the sub-tree has that level, else {@code main/}; empty if absent. */
    private static Optional<String> subtreeRoot(String root, Variant variant, List<String> paths) {
        var dir = root + variant.dirName() + "/";
        var nested = dir + BundleRoot.WRAPPER;
        if (paths.stream().anyMatch(path -> path.startsWith(nested))) {
            return Optional.of(nested);
        }
        return paths.stream().anyMatch(path -> path.startsWith(dir)) ? Optional.of(dir) : Optional.empty();
    }

    private void place(RawFile file) {
        var path = file.path();
        if (path.startsWith(root + variant.other().dirName() + "/")) {
            skippedOtherSubtree = true;
            return;
        }
        var base = base(path);
        if (base.isEmpty()) {
            ignoreUnlessSql(path, () -> outside(path));
            return;
        }
        var relative = path.substring(base.get().length());
        if (relative.equals(Bundle.DATA_API)) {
            if (dataApi.isEmpty() || base.equals(subtreeRoot)) { // the variant's own settings win over shared ones
                dataApi = Optional.of(Utf8Text.decode(path, file.content()));
            }
            return;
        }
        var folder = folderOf(relative).filter(f -> f.accepts(EntryCollector.fileName(path)));
        if (folder.isEmpty()) {
            ignoreUnlessSql(path, () -> Mistakes.unknownFolder(path, relative));
            return;
        }
        take(new Placed(folder.get(), relative, path, file.content()));
    }

    /** The prefix the file's bundle path is relative to: the sub-tree's root or the bundle root. */
    private Optional<String> base(String path) {
        if (subtreeRoot.isPresent() && path.startsWith(subtreeRoot.get())) {
            return subtreeRoot;
        }
        boolean inOwnSubtree = path.startsWith(root + variant.dirName() + "/");
        return path.startsWith(root) && !inOwnSubtree ? Optional.of(root) : Optional.empty();
    }

    private RuntimeException outside(String path) {
        return subtreeRoot.isPresent() && path.startsWith(root + variant.dirName() + "/")
                ? Mistakes.outsideSubtree(path, subtreeRoot.get())
                : Mistakes.outsideRoot(path, root);
    }

    private static Optional<Folder> folderOf(String relative) {
        int slash = relative.indexOf('/');
        return slash < 0 ? Optional.empty() : Folder.byDirName(relative.substring(0, slash));
    }

    private void ignoreUnlessSql(String path, Supplier<RuntimeException> mistake) {
        if (Folder.isSql(EntryCollector.fileName(path))) {
            throw mistake.get();
        }
        ignored.add(path);
    }

    // Paths are unique in the archive, so a clash is always one sub-tree file against one shared file.
    private void take(Placed placed) {
        var previous = taken.putIfAbsent(placed.path(), placed);
        if (previous != null) {
            throw Mistakes.conflict(placed.path(), previous.archivePath(), placed.archivePath(), variant);
        }
    }

    private Bundle bundle() {
        if (taken.isEmpty()) {
            var context = skippedOtherSubtree
                    ? " for the %s variant (the %s/ sub-tree was skipped)".formatted(variant.dirName(), variant.other().dirName())
                    : "";
            throw Mistakes.noSql(ignored, context);
        }
        var files = taken.values().stream()
                .map(p -> new BundleFile(p.folder(), p.path(), EntryCollector.fileName(p.path()),
                        Utf8Text.decode(p.archivePath(), p.content())))
                .sorted(Comparator.comparing(BundleFile::folder)
                        .thenComparing(BundleFile::path, NaturalOrder.INSTANCE))
                .toList();
        var subtree = subtreeRoot.map(ignoredPrefix -> variant.dirName());
        return new Bundle(files, ignored.stream().sorted(NaturalOrder.INSTANCE).toList(), subtree, root, dataApi);
    }
}
