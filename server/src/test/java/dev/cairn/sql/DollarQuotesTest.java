package dev.cairn.sql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DollarQuotesTest {

    @Test
    void content_strips_any_delimiter() {
        assertThat(DollarQuotes.content("$$abc$$")).isEqualTo("abc");
        assertThat(DollarQuotes.content("$body$ x $body$")).isEqualTo(" x ");
        assertThat(DollarQuotes.content("$$$$")).isEmpty();
    }

    @Test
    void plain_content_gets_the_empty_tag() {
        assertThat(DollarQuotes.quote("select 1")).isEqualTo("$$select 1$$");
    }

    @Test
    void content_containing_the_empty_delimiter_gets_a_numbered_tag() {
        assertThat(DollarQuotes.quote("a $$ b")).isEqualTo("$_1$a $$ b$_1$");
        assertThat(DollarQuotes.quote("a $$ $_1$ b")).isEqualTo("$_2$a $$ $_1$ b$_2$");
    }

    @Test
    void content_ending_in_a_dollar_cannot_close_early() {
        assertThat(DollarQuotes.quote("x$")).isEqualTo("$_1$x$$_1$");
        assertThat(DollarQuotes.quote("x$_1")).isEqualTo("$$x$_1$$");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "$", "$$", "a$", "$a", "$_1", "$_1$", "x$$y", "$$$", "$_1$$_2$$", "it's", "€$€",
        "$tag$", "a$b$c", "$1$", "$ $"})
    void quoted_content_lexes_back_to_exactly_the_content(String content) {
        String quoted = DollarQuotes.quote(content);
        Token token = SqlLexerTest.only(quoted);
        assertThat(token.kind()).isEqualTo(TokenKind.DOLLAR_STRING);
        assertThat(DollarQuotes.content(token.text())).isEqualTo(content);
    }
}
