package dev.cairn.sql;

import java.util.Objects;

/**
 * One lexical token. {@code text} is the exact source slice (prefix, quotes, dollar tags and
 * letter case as written), so {@code source.substring(offset, offset + text.length())} equals
 * it. {@code offset} is a 0-based UTF-16 index into the tokenized source and {@code line} the
 * 1-based line the token starts on.
 */
public record Token(TokenKind kind, String text, int offset, int line) {

    public Token {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text, "text");
    }

    /**
     * True for a WORD equal to the given word ignoring ASCII case only: PostgreSQL folds just
     * A-Z, so {@code ınsert} (dotless i) is not {@code insert}.
     */
    public boolean isWord(String lowerCaseWord) {
        return kind == TokenKind.WORD && Chars.equalsIgnoreAsciiCase(text, lowerCaseWord);
    }

    /**
     * The name as PostgreSQL sees it: a WORD folded to lower case (ASCII only), a QUOTED_IDENT
     * without its quotes and with {@code ""} turned into {@code "} ({@code U&"..."} escapes are
     * decoded with the default escape character {@code \}; a following {@code UESCAPE} clause is
     * not applied). Any other token: its text.
     */
    public String identifier() {
        return switch (kind) {
            case WORD -> Chars.lower(text);
            case QUOTED_IDENT -> QuotedIdentifiers.unquote(text);
            default -> text;
        };
    }

    /** Offset just past the token. */
    int end() {
        return offset + text.length();
    }

    boolean isPunct(String punct) {
        return kind == TokenKind.PUNCT && text.equals(punct);
    }
}
