package dev.cairn.fleet;

import dev.cairn.bundle.Bundle;
import dev.cairn.bundle.Folder;
import dev.cairn.deploy.Extensions;
import java.util.List;
import java.util.Set;

/** The extensions only a superuser may install that the operator lets Cairn install itself (EXTENSIONS_ALLOWED). */
record SuperuserExtensions(Set<String> allowed) {

    SuperuserExtensions {
        allowed = Set.copyOf(allowed);
    }

    /** Those of a bundle's extensions that Cairn installs as itself before the platform's deploy runs. */
    List<String> of(Bundle bundle) {
        return bundle.in(Folder.EXTENSIONS).stream().map(Extensions::name).filter(allowed::contains).toList();
    }
}
