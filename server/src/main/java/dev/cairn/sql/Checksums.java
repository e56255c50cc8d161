package dev.cairn.sql;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Checksums of SQL that ignore formatting but not meaning: reformatting, re-indenting,
 * changing comments or keyword case, renaming a dollar-quote tag or reformatting a PL/pgSQL
 * body keeps the checksum; changing a literal, a quoted identifier, a number's spelling or
 * anything inside a body changes it.
 *
 * <p>Normal form: statements joined by {@code ";\n"}, tokens within a statement by one space,
 * no comments or whitespace. WORDs are lower-cased (ASCII, as PostgreSQL folds them); STRING,
 * QUOTED_IDENT, NUMBER and PARAM are kept exactly except for the letter case of a literal
 * prefix ({@code e'..'} becomes {@code E'..'}). The body of a SQL or PL/pgSQL routine
 * ({@code CREATE [OR REPLACE] FUNCTION|PROCEDURE ... AS $..$}, {@code DO $..$}) is normalized
 * the same way and re-quoted; any other dollar string keeps its content exactly. Dollar quotes
 * get a delimiter chosen from their content ({@code $$}, or {@code $_1$}, ... when the content
 * contains {@code $$}), so tag names never matter and distinct contents never collide.
 */
public final class Checksums {

    private Checksums() {
    }

    /**
     * The normal form of {@code sql}. Throws {@code CairnException} (MIGRATION_FAILED) when the
     * script has an unterminated literal or comment, as {@link SqlLexer#tokenize} does.
     */
    public static String normalize(String sql) {
        return Normalizer.normalize(sql);
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@link #normalize(String)}. */
    public static String of(String sql) {
        return sha256Hex(normalize(sql).getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256; this only happens on a broken JDK.
            throw new CairnException(
                    Problem.of(ErrorCode.INTERNAL_ERROR, "SHA-256 is not available"), e);
        }
    }
}
