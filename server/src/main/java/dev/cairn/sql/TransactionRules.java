package dev.cairn.sql;

import java.util.Locale;
import java.util.Optional;

/**
 * Transaction-related classification of a statement, from its leading keywords. The
 * not-in-transaction list follows PostgreSQL's PreventInTransactionBlock calls; ALTER TYPE ...
 * ADD VALUE is deliberately absent (allowed in a transaction since PostgreSQL 12) and so is
 * CLUSTER without a table name (rare in migrations, and not worth a false positive).
 */
final class TransactionRules {

    private TransactionRules() {
    }

    /**
     * BEGIN (not BEGIN ATOMIC), START TRANSACTION, COMMIT [PREPARED], END, ROLLBACK [PREPARED |
     * TO SAVEPOINT], ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION (PREPARE name AS ... is a
     * prepared statement, not transaction control).
     */
    static boolean isTransactionControl(Tokens t) {
        if (t.word(0, "begin")) {
            return !t.word(1, "atomic");
        }
        if (t.anyWord(0, "start", "prepare")) {
            return t.word(1, "transaction");
        }
        return t.anyWord(0, "commit", "end", "rollback", "abort", "savepoint", "release");
    }

    static Optional<String> notInTransactionReason(Tokens t) {
        return command(t).map(c -> c + " cannot run inside a transaction block");
    }

    private static Optional<String> command(Tokens t) {
        if (t.word(0, "vacuum")) {
            return Optional.of("VACUUM");
        }
        if (t.anyWord(0, "create", "drop")) {
            return createOrDrop(t);
        }
        if (t.word(0, "reindex")) {
            return reindex(t);
        }
        if (t.word(0, "alter")) {
            return alter(t);
        }
        if (t.word(0, "discard") && t.word(1, "all")) {
            return Optional.of("DISCARD ALL");
        }
        return Optional.empty();
    }

    private static Optional<String> createOrDrop(Tokens t) {
        String verb = t.word(0, "create") ? "CREATE" : "DROP";
        int i = t.skip(1, "unique");
        if (t.word(i, "index") && t.word(i + 1, "concurrently")) {
            return Optional.of(verb + " INDEX CONCURRENTLY");
        }
        if (t.anyWord(1, "database", "tablespace", "subscription")) {
            return Optional.of(verb + " " + upperWordAt(t, 1));
        }
        return Optional.empty();
    }

    /** REINDEX [(options)] {INDEX|TABLE|SCHEMA|DATABASE|SYSTEM} [CONCURRENTLY] name. */
    private static Optional<String> reindex(Tokens t) {
        if (t.findTopLevel(1, "concurrently") >= 0 || optionListHasConcurrently(t)) {
            return Optional.of("REINDEX CONCURRENTLY");
        }
        int i = t.punct(1, "(") ? t.closing(1) + 1 : 1;
        if (t.anyWord(i, "schema", "system", "database")) {
            return Optional.of("REINDEX " + upperWordAt(t, i));
        }
        return Optional.empty();
    }

    private static boolean optionListHasConcurrently(Tokens t) {
        if (!t.punct(1, "(")) {
            return false;
        }
        int close = t.closing(1);
        for (int i = 2; i < close; i++) {
            if (t.word(i, "concurrently")) {
                return true;
            }
        }
        return false;
    }

    private static Optional<String> alter(Tokens t) {
        if (t.word(1, "system")) {
            return Optional.of("ALTER SYSTEM");
        }
        if (t.word(1, "database")) {
            int set = t.findTopLevel(2, "set");
            if (set >= 0 && t.word(set + 1, "tablespace")) {
                return Optional.of("ALTER DATABASE SET TABLESPACE");
            }
        }
        return Optional.empty();
    }

    private static String upperWordAt(Tokens t, int i) {
        return t.get(i).map(Token::identifier).orElse("").toUpperCase(Locale.ROOT);
    }
}
