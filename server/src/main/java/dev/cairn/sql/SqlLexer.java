package dev.cairn.sql;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * PostgreSQL's lexer (scan.l of version 15, plus the version 16 number forms) reduced to what
 * Cairn needs: where tokens start and end, and what kind they are.
 *
 * <p>Invariants: every input char belongs to exactly one token, comment or whitespace run;
 * tokens come out in source order and their text is the exact source slice; every scanning
 * step consumes at least one char and no char is examined more than a constant number of
 * times, so tokenizing is linear and always terminates. The only exception thrown is
 * {@link CairnException} with {@link ErrorCode#MIGRATION_FAILED} for an unterminated string,
 * quoted identifier, dollar quote or block comment, naming the line where it starts (field
 * {@code line}); callers add the file name.
 *
 * <p>Deliberate differences from the server: a byte order mark is whitespace; a char the
 * server has no token for becomes a one-char OPERATOR (the server reports the error, not us);
 * string literals continued across a newline stay separate STRING tokens; a number followed by
 * letters is NUMBER then WORD instead of PostgreSQL 15's "trailing junk" error.
 */
public final class SqlLexer {

    private final String src;
    private final LineMap lines;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;

    private SqlLexer(String src) {
        this.src = src;
        this.lines = LineMap.of(src);
    }

    /** Tokens of {@code sql} without comments and whitespace. */
    public static List<Token> tokenize(String sql) {
        SqlLexer lexer = new SqlLexer(Objects.requireNonNull(sql, "sql"));
        while (lexer.pos < sql.length()) {
            lexer.step();
        }
        return Collections.unmodifiableList(lexer.tokens);
    }

    private void step() {
        char c = src.charAt(pos);
        if (Chars.isSpace(c)) {
            pos++;
        } else if (c == '-' && at(pos + 1) == '-') {
            skipLineComment();
        } else if (c == '/' && at(pos + 1) == '*') {
            skipBlockComment();
        } else if (c == '\'') {
            literal(0, TokenKind.STRING, "quoted string");
        } else if (c == '"') {
            literal(0, TokenKind.QUOTED_IDENT, "quoted identifier");
        } else if (Chars.isIdentStart(c)) {
            wordOrPrefixedLiteral(Chars.lower(c));
        } else if (Chars.isDigit(c) || (c == '.' && Chars.isDigit(at(pos + 1)))) {
            number();
        } else if (c == '$') {
            dollar();
        } else if (Chars.isOperatorChar(c)) {
            operator();
        } else {
            punctuation(c);
        }
    }

    /** The char at {@code i}, or NUL past the end, which matches no rule that consumes it. */
    private char at(int i) {
        return i < src.length() ? src.charAt(i) : '\0';
    }

    private void emit(TokenKind kind, int start, int end) {
        tokens.add(new Token(kind, src.substring(start, end), start, lines.lineOf(start)));
        pos = end;
    }

    private CairnException unterminated(String what, int start) {
        int line = lines.lineOf(start);
        return CairnException.of(ErrorCode.MIGRATION_FAILED,
                "unterminated " + what + " starting at line " + line).with("line", line);
    }

    private void skipLineComment() {
        while (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
            pos++;
        }
    }

    /** Block comments nest in PostgreSQL (unlike the SQL standard and most other databases). */
    private void skipBlockComment() {
        int start = pos;
        int depth = 0;
        int i = pos;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (c == '/' && at(i + 1) == '*') {
                depth++;
                i += 2;
            } else if (c == '*' && at(i + 1) == '/') {
                depth--;
                i += 2;
                if (depth == 0) {
                    pos = i;
                    return;
                }
            } else {
                i++;
            }
        }
        throw unterminated("/* comment", start);
    }

    private void wordOrPrefixedLiteral(char first) {
        char next = at(pos + 1);
        if (next == '\'' && "ebxn".indexOf(first) >= 0) {
            literal(1, TokenKind.STRING, prefixedStringName(first));
        } else if (first == 'u' && next == '&' && at(pos + 2) == '\'') {
            literal(2, TokenKind.STRING, "quoted string");
        } else if (first == 'u' && next == '&' && at(pos + 2) == '"') {
            literal(2, TokenKind.QUOTED_IDENT, "quoted identifier");
        } else {
            word();
        }
    }

    private static String prefixedStringName(char prefix) {
        return switch (prefix) {
            case 'b' -> "bit string literal";
            case 'x' -> "hexadecimal string literal";
            default -> "quoted string";
        };
    }

    private void word() {
        int end = pos + 1;
        while (end < src.length() && Chars.isIdentChar(src.charAt(end))) {
            end++;
        }
        emit(TokenKind.WORD, pos, end);
    }

    /**
     * A quoted literal starting at {@code pos} after a prefix of {@code prefixLength} chars.
     * A doubled quote stands for itself; only E'' strings treat backslash as an escape, since
     * standard_conforming_strings is on in every supported PostgreSQL version.
     */
    private void literal(int prefixLength, TokenKind kind, String what) {
        int start = pos;
        int open = start + prefixLength;
        boolean backslashEscapes = kind == TokenKind.STRING && prefixLength == 1
                && Chars.lower(src.charAt(start)) == 'e';
        int close = closingQuote(open + 1, src.charAt(open), backslashEscapes);
        if (close < 0) {
            throw unterminated(what, start);
        }
        emit(kind, start, close + 1);
    }

    private int closingQuote(int from, char quote, boolean backslashEscapes) {
        int i = from;
        while (i < src.length()) {
            char c = src.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c != quote) {
                i++;
            } else if (at(i + 1) == quote) {
                i += 2;
            } else {
                return i;
            }
        }
        return -1;
    }

    /**
     * {@code 1}, {@code 1.5}, {@code 1.}, {@code .5}, {@code 1e10}, {@code 1.5E-3}, {@code 1_000},
     * {@code 0x1F}, {@code 0o17}, {@code 0b101}. {@code 1..5} is NUMBER {@code 1} then {@code ..}
     * (PL/pgSQL's FOR i IN 1..5), as in PostgreSQL.
     */
    private void number() {
        int end = radixInteger(pos);
        if (end < 0) {
            end = digits(pos);
            if (at(end) == '.' && at(end + 1) != '.') {
                end = digits(end + 1);
            }
            end = exponent(end);
        }
        emit(TokenKind.NUMBER, pos, end);
    }

    /** End of a 0x/0o/0b integer at {@code start}, or -1 when there is none. */
    private int radixInteger(int start) {
        char kind = Chars.lower(at(start + 1));
        if (src.charAt(start) != '0' || (kind != 'x' && kind != 'o' && kind != 'b')) {
            return -1;
        }
        int radix = kind == 'x' ? 16 : kind == 'o' ? 8 : 2;
        int i = start + 2;
        boolean any = false;
        while (true) {
            if (Character.digit(at(i), radix) >= 0 && at(i) < 0x80) {
                i++;
                any = true;
            } else if (at(i) == '_' && Character.digit(at(i + 1), radix) >= 0 && at(i + 1) < 0x80) {
                i += 2;
                any = true;
            } else {
                return any ? i : -1;
            }
        }
    }

    /** Decimal digits from {@code i}, with single underscores allowed between digits. */
    private int digits(int i) {
        int start = i;
        while (true) {
            if (Chars.isDigit(at(i))) {
                i++;
            } else if (at(i) == '_' && i > start && Chars.isDigit(at(i + 1))) {
                i += 2;
            } else {
                return i;
            }
        }
    }

    private int exponent(int i) {
        if (Chars.lower(at(i)) != 'e') {
            return i;
        }
        int j = i + 1;
        if (at(j) == '+' || at(j) == '-') {
            j++;
        }
        return Chars.isDigit(at(j)) ? digits(j) : i;
    }

    /** {@code $1} (PARAM), {@code $tag$...$tag$} (DOLLAR_STRING) or a lone {@code $}. */
    private void dollar() {
        int start = pos;
        if (Chars.isDigit(at(start + 1))) {
            int end = start + 1;
            while (Chars.isDigit(at(end))) {
                end++;
            }
            emit(TokenKind.PARAM, start, end);
            return;
        }
        int tagEnd = tagEnd(start + 1);
        if (at(tagEnd) == '$') {
            dollarString(start, tagEnd + 1);
        } else {
            emit(TokenKind.OPERATOR, start, start + 1);
        }
    }

    /** End of a dollar-quote tag starting at {@code from}: empty, or an identifier without $. */
    private int tagEnd(int from) {
        if (!Chars.isIdentStart(at(from))) {
            return from;
        }
        int i = from + 1;
        while (i < src.length() && Chars.isTagChar(src.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * Finds the closing delimiter like scan.l does: at each {@code $} read a tag; if it is the
     * opening one, done; otherwise continue from the char after the tag, which may itself be
     * the {@code $} opening the real delimiter. Each char is read at most twice.
     */
    private void dollarString(int start, int bodyStart) {
        int delimiterLength = bodyStart - start;
        int i = bodyStart;
        while (true) {
            int dollar = src.indexOf('$', i);
            if (dollar < 0) {
                throw unterminated("dollar-quoted string", start);
            }
            int end = tagEnd(dollar + 1);
            if (at(end) == '$' && end + 1 - dollar == delimiterLength
                    && src.regionMatches(dollar, src, start, delimiterLength)) {
                emit(TokenKind.DOLLAR_STRING, start, end + 1);
                return;
            }
            i = end;
        }
    }

    /**
     * A run of operator chars, cut where {@code --} or {@code /*} starts a comment and with
     * PostgreSQL's rule that a multi-char operator cannot end in + or - unless it contains one
     * of ~ ! @ # ^ &amp; | ` ? % (so {@code a=-1} is {@code = -}). The trimmed chars become
     * one-char operators here instead of being rescanned, which keeps long runs linear.
     */
    private void operator() {
        int start = pos;
        int end = start + 1;
        while (end < src.length() && Chars.isOperatorChar(src.charAt(end))
                && !startsComment(end)) {
            end++;
        }
        int first = trimmedOperatorEnd(start, end);
        emit(TokenKind.OPERATOR, start, first);
        for (int i = first; i < end; i++) {
            emit(TokenKind.OPERATOR, i, i + 1);
        }
    }

    private boolean startsComment(int i) {
        char c = src.charAt(i);
        return (c == '-' && at(i + 1) == '-') || (c == '/' && at(i + 1) == '*');
    }

    private int trimmedOperatorEnd(int start, int end) {
        if (end - start < 2 || !isPlusOrMinus(src.charAt(end - 1))) {
            return end;
        }
        for (int i = start; i < end; i++) {
            if ("~!@#^&|`?%".indexOf(src.charAt(i)) >= 0) {
                return end;
            }
        }
        int trimmed = end;
        while (trimmed - start > 1 && isPlusOrMinus(src.charAt(trimmed - 1))) {
            trimmed--;
        }
        return trimmed;
    }

    private static boolean isPlusOrMinus(char c) {
        return c == '+' || c == '-';
    }

    private void punctuation(char c) {
        char next = at(pos + 1);
        if (c == ':' && next == ':') {
            emit(TokenKind.PUNCT, pos, pos + 2);
        } else if (c == ':' && next == '=') {
            emit(TokenKind.OPERATOR, pos, pos + 2);
        } else if (c == '.' && next == '.') {
            emit(TokenKind.PUNCT, pos, pos + 2);
        } else if ("()[],;.:".indexOf(c) >= 0) {
            emit(TokenKind.PUNCT, pos, pos + 1);
        } else {
            emit(TokenKind.OPERATOR, pos, pos + 1);
        }
    }
}
