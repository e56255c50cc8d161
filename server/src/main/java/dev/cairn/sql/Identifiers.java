package dev.cairn.sql;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;

/**
 * The one place where names become SQL text. Values are never spliced: they are bound as
 * parameters. The only literals rendered here are for DDL positions PostgreSQL cannot bind
 * (such as {@code CREATE EXTENSION ... VERSION '1.2'}).
 */
public final class Identifiers {

    private Identifiers() {
    }

    /** {@code my "db"} becomes {@code "my ""db"""}: always quoted, so case and keywords are kept. */
    public static String quote(String identifier) {
        if (identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
            throw CairnException.of(ErrorCode.INVALID_REQUEST, "an SQL identifier must be non-empty and contain no NUL");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code schema.name}, each part quoted. */
    public static String quote(String schema, String name) {
        return quote(schema) + '.' + quote(name);
    }

    /**
     * A standard string literal, for the few DDL positions that take no parameters. Backslashes
     * are literal because Cairn's connections keep {@code standard_conforming_strings} on.
     */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw CairnException.of(ErrorCode.INVALID_REQUEST, "an SQL literal must not contain NUL");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }
}
