package dev.cairn.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bounds-safe reading of one statement's tokens: every accessor answers false or empty past
 * either end instead of throwing, so pattern matching on hostile input cannot fail. Also knows
 * each token's paren depth (a parenthesis itself sits at the outer depth; stray closing
 * parentheses never make it negative).
 */
final class Tokens {

    private final List<Token> list;
    private final int[] depth;

    Tokens(List<Token> list) {
        this.list = List.copyOf(list);
        this.depth = depths(this.list);
    }

    private static int[] depths(List<Token> list) {
        int[] depth = new int[list.size()];
        int d = 0;
        for (int i = 0; i < list.size(); i++) {
            Token t = list.get(i);
            if (t.isPunct(")")) {
                d = Math.max(0, d - 1);
            }
            depth[i] = d;
            if (t.isPunct("(")) {
                d++;
            }
        }
        return depth;
    }

    int size() {
        return list.size();
    }

    List<Token> list() {
        return list;
    }

    Optional<Token> get(int i) {
        return i >= 0 && i < list.size() ? Optional.of(list.get(i)) : Optional.empty();
    }

    int depth(int i) {
        return depth[i];
    }

    boolean word(int i, String lowerCaseWord) {
        return get(i).filter(t -> t.isWord(lowerCaseWord)).isPresent();
    }

    boolean anyWord(int i, String... lowerCaseWords) {
        for (String w : lowerCaseWords) {
            if (word(i, w)) {
                return true;
            }
        }
        return false;
    }

    boolean punct(int i, String punct) {
        return get(i).filter(t -> t.isPunct(punct)).isPresent();
    }

    /** {@code i} plus the length of {@code words} when they all follow at {@code i}, else {@code i}. */
    int skip(int i, String... words) {
        for (int k = 0; k < words.length; k++) {
            if (!word(i + k, words[k])) {
                return i;
            }
        }
        return i + words.length;
    }

    /** Skips any number of the given words, in any order. */
    int skipAny(int i, String... words) {
        int j = i;
        while (anyWord(j, words)) {
            j++;
        }
        return j;
    }

    /** First index at or after {@code from} holding {@code word} at paren depth 0, or -1. */
    int findTopLevel(int from, String lowerCaseWord) {
        for (int i = Math.max(0, from); i < list.size(); i++) {
            if (depth[i] == 0 && list.get(i).isWord(lowerCaseWord)) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the {@code )} closing the {@code (} at {@code open}, or {@link #size()}. */
    int closing(int open) {
        for (int i = open + 1; i < list.size(); i++) {
            if (depth[i] == depth[open] && list.get(i).isPunct(")")) {
                return i;
            }
        }
        return list.size();
    }

    /** A dotted name of identifiers starting at {@code i} (reserved words are not names). */
    Optional<NameAt> name(int i) {
        if (!isNamePart(i)) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        parts.add(list.get(i).identifier());
        int j = i + 1;
        while (punct(j, ".") && isNamePart(j + 1)) {
            parts.add(list.get(j + 1).identifier());
            j += 2;
        }
        return Optional.of(new NameAt(parts, j));
    }

    /** Names separated by commas starting at {@code i}: {@code a, s.b, "C"}. */
    List<NameAt> nameList(int i) {
        List<NameAt> names = new ArrayList<>();
        Optional<NameAt> name = name(i);
        while (name.isPresent()) {
            names.add(name.get());
            int next = name.get().next();
            name = punct(next, ",") ? name(next + 1) : Optional.empty();
        }
        return names;
    }

    private boolean isNamePart(int i) {
        return get(i).filter(t -> t.kind() == TokenKind.QUOTED_IDENT
                || (t.kind() == TokenKind.WORD && !ReservedWords.contains(t.identifier())))
                .isPresent();
    }
}
