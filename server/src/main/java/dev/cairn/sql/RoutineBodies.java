package dev.cairn.sql;

import java.util.BitSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which DOLLAR_STRING tokens of a statement are routine bodies written in SQL or PL/pgSQL, and
 * so may be normalized as SQL: the one after AS in CREATE [OR REPLACE] FUNCTION|PROCEDURE and
 * the code of DO. Bodies in any other language (plpython, plv8, C's AS 'obj', 'sym') are not,
 * since whitespace or comment syntax may mean something there.
 */
final class RoutineBodies {

    private static final Set<String> SQL_LANGUAGES = Set.of("sql", "plpgsql");

    private RoutineBodies() {
    }

    /** Indexes of the statement's tokens that are SQL-language bodies. */
    static BitSet sqlBodies(SqlStatement statement) {
        Tokens t = new Tokens(statement.tokens());
        boolean isDo = t.word(0, "do");
        boolean isRoutine = StatementInfo.of(statement).isRoutineDefinition();
        String defaultLanguage = isDo ? "plpgsql" : "sql";
        BitSet bodies = new BitSet();
        if ((isDo || isRoutine) && SQL_LANGUAGES.contains(language(t).orElse(defaultLanguage))) {
            for (int i = 0; i < t.size(); i++) {
                if (isBodyAt(t, i, isDo)) {
                    bodies.set(i);
                }
            }
        }
        return bodies;
    }

    private static boolean isBodyAt(Tokens t, int i, boolean isDo) {
        boolean dollar = t.get(i).filter(k -> k.kind() == TokenKind.DOLLAR_STRING).isPresent();
        return dollar && t.depth(i) == 0 && (isDo || t.word(i - 1, "as"));
    }

    /** The language named by a top-level {@code LANGUAGE x} clause, lower-cased. */
    static Optional<String> language(Tokens t) {
        int at = t.findTopLevel(0, "language");
        return at < 0 ? Optional.empty() : t.get(at + 1).flatMap(RoutineBodies::languageName);
    }

    /** LANGUAGE takes a name, or (historically) a plain string: {@code LANGUAGE 'plpgsql'}. */
    private static Optional<String> languageName(Token t) {
        return switch (t.kind()) {
            case WORD, QUOTED_IDENT -> Optional.of(t.identifier());
            case STRING -> t.text().startsWith("'") && t.text().length() >= 2
                    ? Optional.of(t.text().substring(1, t.text().length() - 1).toLowerCase(Locale.ROOT))
                    : Optional.empty();
            default -> Optional.empty();
        };
    }
}
