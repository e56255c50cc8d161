package dev.cairn.sql;

import java.util.Set;

/**
 * PostgreSQL keywords that can never be an unquoted table, type or view name: the reserved
 * ones and the "type or function name" ones (kwlist.h, PostgreSQL 15/16). Name readers use
 * this so that {@code GRANT REFERENCES ON t} does not read {@code on} as a referenced table.
 */
final class ReservedWords {

    private static final Set<String> WORDS = Set.of(
            "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
            "both", "case", "cast", "check", "collate", "column", "constraint", "create",
            "current_catalog", "current_date", "current_role", "current_time",
            "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct",
            "do", "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant",
            "group", "having", "in", "initially", "intersect", "into", "lateral", "leading",
            "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or",
            "order", "placing", "primary", "references", "returning", "select", "session_user",
            "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true",
            "union", "unique", "user", "using", "variadic", "when", "where", "window", "with",
            // type or function names only
            "authorization", "binary", "collation", "concurrently", "cross", "current_schema",
            "freeze", "full", "ilike", "inner", "is", "isnull", "join", "left", "like",
            "natural", "notnull", "outer", "overlaps", "right", "similar", "tablesample",
            "verbose");

    private ReservedWords() {
    }

    static boolean contains(String lowerCaseWord) {
        return WORDS.contains(lowerCaseWord);
    }
}
