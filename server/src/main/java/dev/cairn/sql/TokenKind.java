package dev.cairn.sql;

/**
 * What a {@link Token} is. Comments and whitespace never become tokens.
 *
 * <ul>
 *   <li>{@code WORD}: a keyword or unquoted identifier ({@code select}, {@code Users}, {@code a$b}).
 *   <li>{@code QUOTED_IDENT}: {@code "..."} or {@code U&"..."}.
 *   <li>{@code STRING}: {@code '...'}, {@code E'...'}, {@code U&'...'}, {@code B'...'},
 *       {@code X'...'}, {@code N'...'}; the token text keeps prefix and quotes as written.
 *   <li>{@code DOLLAR_STRING}: {@code $tag$...$tag$}, tag possibly empty.
 *   <li>{@code NUMBER}: {@code 1}, {@code 1.5}, {@code .5}, {@code 1e10}, {@code 0x1F}, {@code 1_000}.
 *   <li>{@code PARAM}: {@code $1}.
 *   <li>{@code OPERATOR}: a run of operator characters as PostgreSQL splits it, {@code :=}, or a
 *       single character PostgreSQL has no token for (a lone {@code $}, a brace, a control
 *       character), left for the server to reject.
 *   <li>{@code PUNCT}: {@code ( ) [ ] , ; . : :: ..}; {@code ::} (cast) is PUNCT, not OPERATOR.
 * </ul>
 */
public enum TokenKind {
    WORD,
    QUOTED_IDENT,
    STRING,
    DOLLAR_STRING,
    NUMBER,
    PARAM,
    OPERATOR,
    PUNCT
}
