package dev.cairn.sql;

/**
 * Turns quoted-identifier token text into the name PostgreSQL stores. Text that is not a
 * well-formed quoted identifier (a hand-made {@link Token}) comes back unchanged rather than
 * failing.
 */
final class QuotedIdentifiers {

    private QuotedIdentifiers() {
    }

    static String unquote(String text) {
        boolean unicode = text.length() >= 4 && Chars.lower(text.charAt(0)) == 'u'
                && text.charAt(1) == '&' && text.charAt(2) == '"';
        int open = unicode ? 3 : 1;
        boolean quoted = text.length() >= open + 1 && text.charAt(open - 1) == '"'
                && text.charAt(text.length() - 1) == '"';
        if (!quoted) {
            return text;
        }
        String inner = text.substring(open, text.length() - 1).replace("\"\"", "\"");
        return unicode ? decodeUnicodeEscapes(inner) : inner;
    }

    /**
     * Decodes {@code \XXXX}, {@code \+XXXXXX} and {@code \\} like PostgreSQL's U& processing.
     * A malformed escape is kept as written (the server will reject it, not us). Surrogate
     * escapes are appended as chars, so a valid escaped pair becomes a valid UTF-16 pair.
     */
    static String decodeUnicodeEscapes(String s) {
        StringBuilder b = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                i++;
            } else if (i + 1 < s.length() && s.charAt(i + 1) == '\\') {
                b.append('\\');
                i += 2;
            } else {
                i = appendEscape(s, i, b);
            }
        }
        return b.toString();
    }

    private static int appendEscape(String s, int backslash, StringBuilder b) {
        boolean wide = backslash + 1 < s.length() && s.charAt(backslash + 1) == '+';
        int from = backslash + (wide ? 2 : 1);
        int digits = wide ? 6 : 4;
        int codePoint = hex(s, from, digits);
        if (codePoint < 0 || !Character.isValidCodePoint(codePoint)) {
            b.append('\\');
            return backslash + 1;
        }
        b.appendCodePoint(codePoint);
        return from + digits;
    }

    /** The value of {@code count} hex digits at {@code from}, or -1 when they are not all there. */
    private static int hex(String s, int from, int count) {
        if (from + count > s.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int digit = Character.digit(s.charAt(i), 16);
            if (digit < 0 || !Chars.isHexDigit(s.charAt(i))) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }
}
