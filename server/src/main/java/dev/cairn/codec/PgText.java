package dev.cairn.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parsers for PostgreSQL's text output of arrays ({@code {1,"a b",NULL}}) and records
 * ({@code (1,"a b",)}). Results hold strings and nested lists; {@link Optional#empty()} is SQL NULL.
 * Input comes from the server, but the parsers still never loop forever on malformed text.
 */
final class PgText {

    /** An array element: a scalar's text, or a nested array. */
    sealed interface Element permits Scalar, Nested {
    }

    record Scalar(Optional<String> text) implements Element {
    }

    record Nested(List<Element> elements) implements Element {
    }

    private final String text;
    private final char delimiter;
    private int pos;

    private PgText(String text, char delimiter) {
        this.text = text;
        this.delimiter = delimiter;
    }

    /** Parses an array literal, skipping a leading dimension decoration such as {@code [0:1]=}. */
    static List<Element> array(String text, char delimiter) {
        PgText p = new PgText(text, delimiter);
        int eq = text.startsWith("[") ? text.indexOf('=') : -1;
        p.pos = eq < 0 ? 0 : eq + 1;
        return p.arrayBody();
    }

    private List<Element> arrayBody() {
        expect('{');
        List<Element> out = new ArrayList<>();
        if (peek() == '}') {
            pos++;
            return out;
        }
        while (pos < text.length()) {
            out.add(peek() == '{' ? new Nested(arrayBody()) : new Scalar(arrayScalar()));
            char c = next();
            if (c == '}') {
                return out;
            }
            if (c != delimiter) {
                throw malformed();
            }
        }
        throw malformed();
    }

    private Optional<String> arrayScalar() {
        if (peek() == '"') {
            return Optional.of(quoted());
        }
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != delimiter && text.charAt(pos) != '}') {
            pos++;
        }
        String raw = text.substring(start, pos).strip();
        return raw.equalsIgnoreCase("NULL") ? Optional.empty() : Optional.of(raw);
    }

    /** Parses a record literal: an empty unquoted field is NULL, {@code ""} is the empty string. */
    static List<Optional<String>> record(String text) {
        PgText p = new PgText(text, ',');
        p.expect('(');
        List<Optional<String>> out = new ArrayList<>();
        if (p.peek() == ')') {
            return out;
        }
        while (true) {
            out.add(p.recordField());
            char c = p.next();
            if (c == ')') {
                return out;
            }
            if (c != ',') {
                throw p.malformed();
            }
        }
    }

    private Optional<String> recordField() {
        StringBuilder sb = new StringBuilder();
        boolean sawAnything = false;
        while (pos < text.length() && text.charAt(pos) != ',' && text.charAt(pos) != ')') {
            sawAnything = true;
            if (text.charAt(pos) == '"') {
                sb.append(quoted());
            } else {
                sb.append(text.charAt(pos++));
            }
        }
        return sawAnything ? Optional.of(sb.toString()) : Optional.empty();
    }

    /** A double-quoted run: backslash escapes the next character, and {@code ""} is one quote. */
    private String quoted() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '\\' && pos < text.length()) {
                sb.append(text.charAt(pos++));
            } else if (c == '"') {
                if (pos < text.length() && text.charAt(pos) == '"') {
                    sb.append('"');
                    pos++;
                } else {
                    return sb.toString();
                }
            } else {
                sb.append(c);
            }
        }
        throw malformed();
    }

    private void expect(char c) {
        if (next() != c) {
            throw malformed();
        }
    }

    private char peek() {
        if (pos >= text.length()) {
            throw malformed();
        }
        return text.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private IllegalArgumentException malformed() {
        return new IllegalArgumentException("malformed PostgreSQL literal at " + pos);
    }
}
