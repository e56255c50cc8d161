package dev.cairn.bundle;

import java.util.Locale;

/**
 * Which StoneScriptPHP sub-tree to take when a bundle holds both {@code main/} and {@code tenant/}
 * beside shared folders. A bundle without sub-trees reads the same for both variants.
 */
public enum Variant {
    MAIN, TENANT;

    String dirName() {
        return name().toLowerCase(Locale.ROOT);
    }

    Variant other() {
        return this == MAIN ? TENANT : MAIN;
    }
}
