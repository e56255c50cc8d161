package dev.cairn.diff;

import java.util.Locale;

/** How dangerous a change is; the wire names are the StoneScript gateway's. */
public enum Compatibility {
    /** Nothing can be lost: applied by default. */
    SAFE,
    /** Rows or values could be lost or refused: blocked unless allowed. */
    DATALOSS,
    /** The old values have no meaning in the new shape: blocked unless allowed. */
    INCOMPATIBLE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
