package dev.cairn.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script into statements the way psql does: at {@code ;} outside parentheses, except
 * inside a SQL-standard routine body ({@code BEGIN ATOMIC ... END}) of a statement starting
 * with CREATE. Dollar-quoted bodies are single tokens, so they never split. A last statement
 * without {@code ;} is still a statement; statements with no tokens (a lone {@code ;}, only
 * comments) are dropped.
 */
public final class SqlScript {

    private SqlScript() {
    }

    /** Throws {@code CairnException} (MIGRATION_FAILED) as {@link SqlLexer#tokenize} does. */
    public static List<SqlStatement> split(String sql) {
        List<Token> tokens = SqlLexer.tokenize(sql);
        List<SqlStatement> statements = new ArrayList<>();
        Nesting nesting = new Nesting();
        int first = 0;
        for (int i = 0; i < tokens.size(); i++) {
            if (nesting.endsStatement(tokens, first, i)) {
                add(statements, sql, tokens.subList(first, i));
                first = i + 1;
                nesting = new Nesting();
            }
        }
        add(statements, sql, tokens.subList(first, tokens.size()));
        return List.copyOf(statements);
    }

    private static void add(List<SqlStatement> statements, String sql, List<Token> tokens) {
        if (tokens.isEmpty()) {
            return;
        }
        Token first = tokens.getFirst();
        String text = sql.substring(first.offset(), tokens.getLast().end());
        statements.add(new SqlStatement(text, first.line(), first.offset(), tokens));
    }

    /**
     * Paren depth and BEGIN ATOMIC depth of the statement being read. Like psql, the block
     * depth only moves at paren depth 0: BEGIN and CASE open, END closes (CASE ends with END
     * too, so it must be counted).
     */
    private static final class Nesting {
        private int parens;
        private int blocks;

        /** Feeds token {@code i} of the statement starting at {@code first}. */
        boolean endsStatement(List<Token> tokens, int first, int i) {
            Token t = tokens.get(i);
            if (t.isPunct(";")) {
                return parens == 0 && blocks == 0;
            }
            if (t.isPunct("(")) {
                parens++;
            } else if (t.isPunct(")")) {
                parens = Math.max(0, parens - 1);
            } else if (parens == 0 && t.kind() == TokenKind.WORD) {
                trackBlocks(tokens, first, i);
            }
            return false;
        }

        private void trackBlocks(List<Token> tokens, int first, int i) {
            Token t = tokens.get(i);
            if (blocks == 0) {
                boolean atomic = t.isWord("begin") && i + 1 < tokens.size()
                        && tokens.get(i + 1).isWord("atomic");
                if (atomic && tokens.get(first).isWord("create")) {
                    blocks = 1;
                }
            } else if (t.isWord("begin") || t.isWord("case")) {
                blocks++;
            } else if (t.isWord("end")) {
                blocks--;
            }
        }
    }
}
