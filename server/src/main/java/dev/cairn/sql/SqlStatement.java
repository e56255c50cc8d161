package dev.cairn.sql;

import java.util.List;
import java.util.Objects;

/**
 * One statement of a script. {@code text} is the exact source from its first token to its last
 * (so neither the terminating {@code ;} nor surrounding comments and whitespace, but every
 * comment in between); {@code startOffset} is where {@code text} starts in the script and
 * {@code startLine} the script line of that first token. {@code tokens} are the statement's
 * tokens with offsets into the whole script; the list is never empty.
 */
public record SqlStatement(String text, int startLine, int startOffset, List<Token> tokens) {

    public SqlStatement {
        Objects.requireNonNull(text, "text");
        tokens = List.copyOf(tokens);
    }

    /**
     * The script line holding the character at {@code positionInText}, a 1-based index into
     * {@code text} counted in characters (code points), as PostgreSQL reports an error
     * position. Positions outside the text are clamped to its first or last line.
     */
    public int lineAt(int positionInText) {
        return startLine + LineMap.breaks(text, 0, charIndex(positionInText));
    }

    private int charIndex(int positionInText) {
        int codePoints = Math.max(0, positionInText - 1);
        if (codePoints >= text.codePointCount(0, text.length())) {
            return text.length();
        }
        return text.offsetByCodePoints(0, codePoints);
    }
}
