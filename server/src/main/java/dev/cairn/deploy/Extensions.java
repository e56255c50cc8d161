package dev.cairn.deploy;

import dev.cairn.bundle.BundleFile;

/** What an {@code extensions/} file asks for, for the parts of Cairn outside the deploy. */
public final class Extensions {

    private Extensions() {
    }

    /** The extension a file installs: its file name without extension ({@code pgvector} means {@code vector}). */
    public static String name(BundleFile file) {
        return ExtensionStep.parse(file).name();
    }
}
