package dev.cairn.deploy;

import dev.cairn.bundle.BundleFile;
import dev.cairn.sql.SqlScript;
import dev.cairn.sql.SqlStatement;
import dev.cairn.sql.StatementInfo;
import java.util.ArrayList;
import java.util.List;

/** A statement together with the bundle file it came from, for ordering and error reports. */
record Located(BundleFile file, SqlStatement statement, StatementInfo info) {

    static List<Located> of(List<BundleFile> files) {
        List<Located> out = new ArrayList<>();
        for (BundleFile file : files) {
            out.addAll(of(file));
        }
        return out;
    }

    static List<Located> of(BundleFile file) {
        try {
            return SqlScript.split(file.text()).stream()
                    .map(s -> new Located(file, s, StatementInfo.of(s)))
                    .toList();
        } catch (dev.cairn.error.CairnException e) {
            throw new dev.cairn.error.CairnException(e.problem()
                    .withMessage(file.path() + ": " + e.getMessage()).with("file", file.path()), e);
        }
    }
}
