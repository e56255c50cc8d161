package dev.cairn.sql;

/**
 * Character classes of PostgreSQL's lexer (scan.l). Every char at or above 0x80 counts as a
 * letter, as the server does for multi-byte encodings; the one exception is the byte order mark,
 * which is treated as whitespace so that an editor-added BOM never changes a checksum or hides
 * the first keyword of a file.
 */
final class Chars {

    private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?\\";

    private Chars() {
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B'
                || c == '\uFEFF';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                || (c >= 0x80 && c != '\uFEFF');
    }

    /** A character that may continue a dollar-quote tag: like an identifier, but no {@code $}. */
    static boolean isTagChar(char c) {
        return isIdentStart(c) || isDigit(c);
    }

    static boolean isIdentChar(char c) {
        return isTagChar(c) || c == '$';
    }

    static boolean isOperatorChar(char c) {
        return OPERATOR_CHARS.indexOf(c) >= 0;
    }

    static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    static char upper(char c) {
        return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
    }

    /** ASCII-only lower case: locale-independent and the same folding PostgreSQL applies. */
    static String lower(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (b == null) {
                    b = new StringBuilder(s);
                }
                b.setCharAt(i, lower(c));
            }
        }
        return b == null ? s : b.toString();
    }

    static boolean equalsIgnoreAsciiCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (lower(a.charAt(i)) != lower(b.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
