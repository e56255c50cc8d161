package dev.cairn.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenTest {

    @Test
    void is_word_ignores_ascii_case_only() {
        Token t = SqlLexerTest.only("CrEaTe");
        assertThat(t.isWord("create")).isTrue();
        assertThat(t.isWord("CREATE")).isTrue();
        assertThat(t.isWord("creat")).isFalse();
        assertThat(SqlLexerTest.only("ınsert").isWord("insert")).isFalse();
    }

    @Test
    void is_word_is_false_for_other_kinds() {
        assertThat(SqlLexerTest.only("\"create\"").isWord("create")).isFalse();
        assertThat(SqlLexerTest.only("'create'").isWord("create")).isFalse();
    }

    @Test
    void identifier_of_a_word_is_folded_to_lower_case_ascii_only() {
        assertThat(SqlLexerTest.only("Users").identifier()).isEqualTo("users");
        assertThat(SqlLexerTest.only("ÉTAT").identifier()).isEqualTo("État");
    }

    @Test
    void identifier_of_a_quoted_identifier_is_unquoted() {
        assertThat(SqlLexerTest.only("\"Order Items\"").identifier()).isEqualTo("Order Items");
        assertThat(SqlLexerTest.only("\"a\"\"b\"").identifier()).isEqualTo("a\"b");
        assertThat(SqlLexerTest.only("\"\"").identifier()).isEmpty();
    }

    @Test
    void unicode_identifier_escapes_are_decoded() {
        assertThat(SqlLexerTest.only("U&\"\\00e9t\\00E9\"").identifier()).isEqualTo("été");
        assertThat(SqlLexerTest.only("u&\"\\+01F600\"").identifier()).isEqualTo("\uD83D\uDE00");
        assertThat(SqlLexerTest.only("U&\"a\\\\b\"").identifier()).isEqualTo("a\\b");
        assertThat(SqlLexerTest.only("U&\"\\D83D\\DE00\"").identifier()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void malformed_unicode_escapes_are_kept_as_written() {
        assertThat(SqlLexerTest.only("U&\"\\zz\"").identifier()).isEqualTo("\\zz");
        assertThat(SqlLexerTest.only("U&\"x\\12\"").identifier()).isEqualTo("x\\12");
        assertThat(SqlLexerTest.only("U&\"\\+FFFFFF\"").identifier()).isEqualTo("\\+FFFFFF");
    }

    @Test
    void identifier_of_other_tokens_is_their_text() {
        assertThat(SqlLexerTest.only("'Abc'").identifier()).isEqualTo("'Abc'");
        assertThat(SqlLexerTest.only("1.5").identifier()).isEqualTo("1.5");
    }

    @Test
    void hand_made_malformed_quoted_token_does_not_fail() {
        assertThat(new Token(TokenKind.QUOTED_IDENT, "x", 0, 1).identifier()).isEqualTo("x");
        assertThat(new Token(TokenKind.QUOTED_IDENT, "\"", 0, 1).identifier()).isEqualTo("\"");
        assertThat(new Token(TokenKind.QUOTED_IDENT, "U&\"", 0, 1).identifier()).isEqualTo("U&\"");
    }

    @Test
    void qualified_name_to_string() {
        assertThat(QualifiedName.of("t")).hasToString("t");
        assertThat(QualifiedName.of("public", "Order Items")).hasToString("public.Order Items");
    }
}
