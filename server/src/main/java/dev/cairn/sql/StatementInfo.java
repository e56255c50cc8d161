package dev.cairn.sql;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What one statement creates, references and requires, read from its tokens by pattern
 * matching on the leading keywords (no full parser). Every answer is computed on demand and
 * never fails: a statement that does not match a shape simply answers empty or false. Names
 * are case-folded like PostgreSQL folds them ({@link Token#identifier()}); sets keep source
 * order and are unmodifiable.
 */
public final class StatementInfo {

    private final Tokens tokens;

    private StatementInfo(Tokens tokens) {
        this.tokens = tokens;
    }

    public static StatementInfo of(SqlStatement statement) {
        return new StatementInfo(new Tokens(statement.tokens()));
    }

    /**
     * {@code CREATE [GLOBAL|LOCAL] [TEMP|TEMPORARY|UNLOGGED|FOREIGN] TABLE [IF NOT EXISTS] name},
     * whether followed by a column list, {@code AS query} or {@code PARTITION OF}.
     */
    public Optional<QualifiedName> createdTable() {
        if (!tokens.word(0, "create")) {
            return Optional.empty();
        }
        int i = tokens.skipAny(1, "global", "local");
        i = tokens.skipAny(i, "temp", "temporary", "unlogged", "foreign");
        return tokens.word(i, "table") ? nameAfterIfNotExists(i + 1) : Optional.empty();
    }

    /**
     * Tables this statement needs to exist: {@code REFERENCES x}, {@code INHERITS (a, b)},
     * {@code PARTITION OF x}, {@code ATTACH PARTITION x}, {@code LIKE x} in a table definition,
     * the table of CREATE INDEX, ALTER TABLE, COMMENT ON TABLE/COLUMN, CREATE TRIGGER, CREATE
     * POLICY and GRANT/REVOKE ... ON [TABLE]. The statement's own {@link #createdTable()} is
     * left out, also when one side is schema-qualified and the other is not.
     */
    public Set<QualifiedName> referencedTables() {
        return References.find(tokens, createdTable());
    }

    /** {@code CREATE TYPE name} (enum, composite, range, base or shell) or {@code CREATE DOMAIN name}. */
    public Optional<QualifiedName> createdType() {
        if (tokens.word(0, "create") && tokens.anyWord(1, "type", "domain")) {
            return tokens.name(2).map(NameAt::qualified);
        }
        return Optional.empty();
    }

    /** {@code CREATE [OR REPLACE] [TEMP|TEMPORARY] [RECURSIVE] [MATERIALIZED] VIEW [IF NOT EXISTS] name}. */
    public Optional<QualifiedName> createdView() {
        if (!tokens.word(0, "create")) {
            return Optional.empty();
        }
        int i = tokens.skip(1, "or", "replace");
        i = tokens.skipAny(i, "temp", "temporary", "recursive", "materialized");
        return tokens.word(i, "view") ? nameAfterIfNotExists(i + 1) : Optional.empty();
    }

    /**
     * The table of the top-level {@code INSERT INTO} of a statement starting with INSERT or
     * WITH; an INSERT inside a WITH clause is parenthesised, so it is not the top-level one.
     */
    public Optional<QualifiedName> insertTarget() {
        return insertName().map(NameAt::qualified);
    }

    /**
     * Number of top-level row tuples of {@code INSERT ... VALUES (..), (..)}; empty for any
     * other statement, {@code INSERT ... SELECT} and {@code INSERT ... DEFAULT VALUES}.
     */
    public OptionalInt valuesRowCount() {
        Optional<NameAt> target = insertName();
        if (target.isEmpty()) {
            return OptionalInt.empty();
        }
        int i = target.get().next();
        if (tokens.word(i, "as")) {
            i += 2;
        }
        if (tokens.punct(i, "(")) {
            i = tokens.closing(i) + 1;
        }
        if (tokens.word(i, "overriding")) {
            i += 3;
        }
        return tokens.word(i, "values") ? countTuples(i + 1) : OptionalInt.empty();
    }

    /** {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE}. */
    public boolean isRoutineDefinition() {
        int i = tokens.skip(1, "or", "replace");
        return tokens.word(0, "create") && tokens.anyWord(i, "function", "procedure");
    }

    /**
     * BEGIN (not BEGIN ATOMIC), START TRANSACTION, COMMIT [PREPARED], END, ROLLBACK [PREPARED |
     * TO SAVEPOINT], ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION (but not PREPARE name AS,
     * which prepares a query).
     */
    public boolean isTransactionControl() {
        return TransactionRules.isTransactionControl(tokens);
    }

    /**
     * Why this statement must not run inside a transaction block, worded like PostgreSQL's own
     * error ("CREATE INDEX CONCURRENTLY cannot run inside a transaction block"); empty when it
     * may. Flags CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, REINDEX SCHEMA|SYSTEM|
     * DATABASE, VACUUM, CREATE/DROP DATABASE|TABLESPACE|SUBSCRIPTION, ALTER SYSTEM, ALTER
     * DATABASE ... SET TABLESPACE and DISCARD ALL; not ALTER TYPE ... ADD VALUE (allowed in a
     * transaction since PostgreSQL 12) nor CLUSTER.
     */
    public Optional<String> notInTransactionReason() {
        return TransactionRules.notInTransactionReason(tokens);
    }

    /** {@link Token#identifier()} of every WORD and QUOTED_IDENT, for dependency sorting. */
    public Set<String> words() {
        Set<String> words = new LinkedHashSet<>();
        for (Token t : tokens.list()) {
            if (t.kind() == TokenKind.WORD || t.kind() == TokenKind.QUOTED_IDENT) {
                words.add(t.identifier());
            }
        }
        return Collections.unmodifiableSet(words);
    }

    /**
     * The statement's leading WORD tokens, at most {@code n}, lower-cased and joined by one
     * space ("create table"); stops early at the first token that is not a WORD.
     */
    public String firstKeywords(int n) {
        StringJoiner joined = new StringJoiner(" ");
        for (int i = 0; i < n && isWordAt(i); i++) {
            joined.add(tokens.list().get(i).identifier());
        }
        return joined.toString();
    }

    private boolean isWordAt(int i) {
        return tokens.get(i).filter(t -> t.kind() == TokenKind.WORD).isPresent();
    }

    private Optional<QualifiedName> nameAfterIfNotExists(int i) {
        return tokens.name(tokens.skip(i, "if", "not", "exists")).map(NameAt::qualified);
    }

    private Optional<NameAt> insertName() {
        if (!tokens.anyWord(0, "insert", "with")) {
            return Optional.empty();
        }
        int i = tokens.findTopLevel(0, "insert");
        while (i >= 0 && !tokens.word(i + 1, "into")) {
            i = tokens.findTopLevel(i + 1, "insert");
        }
        return i < 0 ? Optional.empty() : tokens.name(i + 2);
    }

    private OptionalInt countTuples(int from) {
        int rows = 0;
        int i = from;
        while (tokens.punct(i, "(")) {
            rows++;
            i = tokens.closing(i) + 1;
            if (!tokens.punct(i, ",")) {
                break;
            }
            i++;
        }
        return rows == 0 ? OptionalInt.empty() : OptionalInt.of(rows);
    }
}
