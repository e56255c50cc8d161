package dev.cairn.deploy;

import dev.cairn.sql.SqlStatement;
import dev.cairn.sql.Token;
import dev.cairn.sql.TokenKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where an {@code INSERT INTO target (columns...)} names its target and which columns it lists,
 * found on the lexer's tokens: the seeder check runs the same statement into a scratch table by
 * putting another name exactly where the target's name is, nothing else of the SQL changes.
 *
 * @param targetStart index in the statement text where the target name starts
 * @param targetEnd   index just past it
 */
record InsertShape(int targetStart, int targetEnd, List<String> columns) {

    static Optional<InsertShape> of(SqlStatement statement) {
        List<Token> tokens = statement.tokens();
        int depth = 0;
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token t = tokens.get(i);
            depth += t.text().equals("(") ? 1 : t.text().equals(")") ? -1 : 0;
            if (depth == 0 && t.isWord("insert") && tokens.get(i + 1).isWord("into")) {
                return shape(statement, tokens, i + 2);
            }
        }
        return Optional.empty();
    }

    private static Optional<InsertShape> shape(SqlStatement statement, List<Token> tokens, int nameAt) {
        int end = nameAt;
        while (end < tokens.size() && isName(tokens.get(end))) {
            end++;
            if (end < tokens.size() && tokens.get(end).text().equals(".")) {
                end++;
            } else {
                break;
            }
        }
        if (end == nameAt) {
            return Optional.empty();
        }
        int base = statement.startOffset();
        Token last = tokens.get(end - 1);
        return Optional.of(new InsertShape(tokens.get(nameAt).offset() - base,
                last.offset() + last.text().length() - base, columns(tokens, end)));
    }

    private static List<String> columns(List<Token> tokens, int at) {
        List<String> out = new ArrayList<>();
        if (at >= tokens.size() || !tokens.get(at).text().equals("(")) {
            return out;
        }
        for (int i = at + 1; i < tokens.size() && !tokens.get(i).text().equals(")"); i++) {
            if (isName(tokens.get(i))) {
                out.add(tokens.get(i).identifier());
            }
        }
        return out;
    }

    private static boolean isName(Token t) {
        return t.kind() == TokenKind.WORD || t.kind() == TokenKind.QUOTED_IDENT;
    }

    /** The statement with another (already quoted) table name in place of its target. */
    String retarget(SqlStatement statement, String quotedName) {
        return statement.text().substring(0, targetStart) + quotedName + statement.text().substring(targetEnd);
    }
}
