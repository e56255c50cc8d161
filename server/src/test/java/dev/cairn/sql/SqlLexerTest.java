package dev.cairn.sql;

import static dev.cairn.sql.TokenKind.DOLLAR_STRING;
import static dev.cairn.sql.TokenKind.NUMBER;
import static dev.cairn.sql.TokenKind.OPERATOR;
import static dev.cairn.sql.TokenKind.PARAM;
import static dev.cairn.sql.TokenKind.PUNCT;
import static dev.cairn.sql.TokenKind.QUOTED_IDENT;
import static dev.cairn.sql.TokenKind.STRING;
import static dev.cairn.sql.TokenKind.WORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SqlLexerTest {

    static List<String> texts(String sql) {
        return SqlLexer.tokenize(sql).stream().map(Token::text).toList();
    }

    static List<TokenKind> kinds(String sql) {
        return SqlLexer.tokenize(sql).stream().map(Token::kind).toList();
    }

    static Token only(String sql) {
        List<Token> tokens = SqlLexer.tokenize(sql);
        assertThat(tokens).hasSize(1);
        return tokens.getFirst();
    }

    @Nested
    class Kinds {

        @Test
        void every_token_kind_is_recognised() {
            var tokens = SqlLexer.tokenize("SELECT \"Col\", 'txt', $b$body$b$, 42, $1, a + b, (x)[1]::int;");
            assertThat(tokens).extracting(Token::kind, Token::text).containsExactly(
                    tuple(WORD, "SELECT"), tuple(QUOTED_IDENT, "\"Col\""), tuple(PUNCT, ","),
                    tuple(STRING, "'txt'"), tuple(PUNCT, ","), tuple(DOLLAR_STRING, "$b$body$b$"),
                    tuple(PUNCT, ","), tuple(NUMBER, "42"), tuple(PUNCT, ","), tuple(PARAM, "$1"),
                    tuple(PUNCT, ","), tuple(WORD, "a"), tuple(OPERATOR, "+"), tuple(WORD, "b"),
                    tuple(PUNCT, ","), tuple(PUNCT, "("), tuple(WORD, "x"), tuple(PUNCT, ")"),
                    tuple(PUNCT, "["), tuple(NUMBER, "1"), tuple(PUNCT, "]"), tuple(PUNCT, "::"),
                    tuple(WORD, "int"), tuple(PUNCT, ";"));
        }

        @Test
        void empty_and_blank_input_have_no_tokens() {
            assertThat(SqlLexer.tokenize("")).isEmpty();
            assertThat(SqlLexer.tokenize(" \t\r\n\f\u000B ")).isEmpty();
            assertThat(SqlLexer.tokenize("-- only a comment")).isEmpty();
            assertThat(SqlLexer.tokenize("/* only */ /* comments */")).isEmpty();
        }

        @Test
        void identifiers_may_contain_digits_underscores_and_dollar_but_not_start_with_dollar() {
            assertThat(texts("a$b _x9 t1$$ $x")).containsExactly("a$b", "_x9", "t1$$", "$", "x");
            assertThat(kinds("$x")).containsExactly(OPERATOR, WORD);
        }

        @Test
        void non_ascii_letters_are_identifier_characters() {
            assertThat(only("café_ñandú").kind()).isEqualTo(WORD);
            assertThat(texts("naïve=über")).containsExactly("naïve", "=", "über");
            assertThat(only("表").kind()).isEqualTo(WORD);
        }

        @Test
        void a_byte_order_mark_is_whitespace() {
            assertThat(texts("\uFEFFCREATE TABLE t")).containsExactly("CREATE", "TABLE", "t");
            assertThat(SqlLexer.tokenize("\uFEFFCREATE").getFirst().offset()).isEqualTo(1);
        }

        @Test
        void punctuation_tokens() {
            assertThat(texts("( ) [ ] , ; . : :: .."))
                    .containsExactly("(", ")", "[", "]", ",", ";", ".", ":", "::", "..");
            assertThat(kinds("( ) [ ] , ; . : :: ..")).containsOnly(PUNCT);
        }

        @Test
        void colon_equals_is_one_operator_and_cast_is_punct() {
            assertThat(SqlLexer.tokenize("v := x::text")).extracting(Token::kind, Token::text)
                    .containsExactly(tuple(WORD, "v"), tuple(OPERATOR, ":="), tuple(WORD, "x"),
                            tuple(PUNCT, "::"), tuple(WORD, "text"));
        }

        @Test
        void characters_without_a_token_become_one_character_operators() {
            assertThat(SqlLexer.tokenize("{ }\u0001")).extracting(Token::kind, Token::text)
                    .containsExactly(tuple(OPERATOR, "{"), tuple(OPERATOR, "}"), tuple(OPERATOR, "\u0001"));
        }

        @Test
        void offsets_are_source_indexes_and_text_is_the_source_slice() {
            String sql = "  select  E'a\\'b' , \"q\"\"x\" -- c\n /* d */ $$z$$";
            for (Token t : SqlLexer.tokenize(sql)) {
                assertThat(sql.substring(t.offset(), t.offset() + t.text().length())).isEqualTo(t.text());
            }
        }
    }

    @Nested
    class Comments {

        @Test
        void line_comment_runs_to_end_of_line() {
            assertThat(texts("a -- b ; c\nd")).containsExactly("a", "d");
        }

        @Test
        void double_dash_directly_after_a_word_starts_a_comment() {
            assertThat(texts("a--b\nc")).containsExactly("a", "c");
        }

        @Test
        void single_dash_between_words_is_an_operator() {
            assertThat(SqlLexer.tokenize("a-b")).extracting(Token::kind, Token::text)
                    .containsExactly(tuple(WORD, "a"), tuple(OPERATOR, "-"), tuple(WORD, "b"));
        }

        @Test
        void line_comment_ends_at_carriage_return() {
            assertThat(texts("a -- x\rb")).containsExactly("a", "b");
        }

        @Test
        void block_comment_is_dropped() {
            assertThat(texts("a /* b ; c */ d")).containsExactly("a", "d");
        }

        @Test
        void block_comments_nest() {
            assertThat(texts("a /* outer /* inner */ still comment */ b")).containsExactly("a", "b");
            assertThat(texts("/* 1 /* 2 /* 3 */ 2 */ 1 */ x")).containsExactly("x");
        }

        @Test
        void block_comment_end_with_extra_stars() {
            assertThat(texts("a /*** x ***/ b")).containsExactly("a", "b");
        }

        @Test
        void line_comment_marker_inside_block_comment_is_ignored() {
            assertThat(texts("a /* -- */ b")).containsExactly("a", "b");
        }

        @Test
        void block_comment_marker_inside_line_comment_is_ignored() {
            assertThat(texts("a -- /* \n b")).containsExactly("a", "b");
        }

        @Test
        void comment_starting_inside_an_operator_run_cuts_the_operator() {
            assertThat(texts("a +-- c\nb")).containsExactly("a", "+", "b");
            assertThat(texts("a */* c */ b")).containsExactly("a", "*", "b");
            assertThat(texts("a <>/* c */ b")).containsExactly("a", "<>", "b");
        }
    }

    @Nested
    class Strings {

        @Test
        void standard_string_with_doubled_quote() {
            Token t = only("'it''s'");
            assertThat(t.kind()).isEqualTo(STRING);
            assertThat(t.text()).isEqualTo("'it''s'");
        }

        @Test
        void backslash_is_literal_in_standard_strings() {
            assertThat(texts("'a\\' , 'b'")).containsExactly("'a\\'", ",", "'b'");
        }

        @Test
        void escape_string_backslash_quote_does_not_end_it() {
            assertThat(only("E'it\\'s'").text()).isEqualTo("E'it\\'s'");
            assertThat(only("e'it\\'s'").kind()).isEqualTo(STRING);
        }

        @Test
        void escape_string_with_escaped_backslash_before_closing_quote() {
            assertThat(texts("E'a\\\\' x")).containsExactly("E'a\\\\'", "x");
        }

        @Test
        void escape_string_also_accepts_doubled_quotes() {
            assertThat(only("E'it''s'").kind()).isEqualTo(STRING);
        }

        @ParameterizedTest
        @ValueSource(strings = {"B'1010'", "b'1'", "X'1F'", "x'ff'", "N'national'", "n'x'",
            "U&'d\\0061t\\+000061'", "u&'x'"})
        void prefixed_strings_keep_their_prefix(String literal) {
            Token t = only(literal);
            assertThat(t.kind()).isEqualTo(STRING);
            assertThat(t.text()).isEqualTo(literal);
        }

        @Test
        void uescape_clause_is_just_following_tokens() {
            assertThat(kinds("U&'d!0061t' UESCAPE '!'")).containsExactly(STRING, WORD, STRING);
        }

        @Test
        void word_ending_in_a_prefix_letter_is_not_a_prefix() {
            assertThat(texts("type'x'")).containsExactly("type", "'x'");
        }

        @Test
        void comment_markers_inside_strings_are_text() {
            assertThat(texts("'--not a comment' '/* nor this */'"))
                    .containsExactly("'--not a comment'", "'/* nor this */'");
        }

        @Test
        void semicolon_and_quotes_of_other_kinds_inside_strings_are_text() {
            assertThat(texts("'a;\"b\"$$c'")).containsExactly("'a;\"b\"$$c'");
        }

        @Test
        void strings_continued_across_a_newline_stay_two_tokens() {
            assertThat(texts("'abc'\n'def'")).containsExactly("'abc'", "'def'");
        }

        @Test
        void empty_string() {
            assertThat(texts("'' , E''")).containsExactly("''", ",", "E''");
        }
    }

    @Nested
    class QuotedIdentifiers {

        @Test
        void doubled_quote_inside_quoted_identifier() {
            Token t = only("\"we\"\"ird\"");
            assertThat(t.kind()).isEqualTo(QUOTED_IDENT);
            assertThat(t.text()).isEqualTo("\"we\"\"ird\"");
            assertThat(t.identifier()).isEqualTo("we\"ird");
        }

        @Test
        void unicode_quoted_identifier() {
            Token t = only("U&\"d\\0061t\\+000061\"");
            assertThat(t.kind()).isEqualTo(QUOTED_IDENT);
            assertThat(t.identifier()).isEqualTo("data");
        }

        @Test
        void quoted_identifier_keeps_case_spaces_and_comment_markers() {
            assertThat(only("\"Order Items -- x\"").identifier()).isEqualTo("Order Items -- x");
        }

        @Test
        void dotted_quoted_name_is_three_tokens() {
            assertThat(kinds("\"Public\".\"Order Items\"")).containsExactly(QUOTED_IDENT, PUNCT, QUOTED_IDENT);
        }
    }

    @Nested
    class DollarQuotes {

        @Test
        void empty_tag_dollar_string() {
            assertThat(only("$$ it's; -- not a comment $$").kind()).isEqualTo(DOLLAR_STRING);
        }

        @Test
        void tagged_dollar_string_may_contain_other_dollar_quotes() {
            Token t = only("$fn$ BEGIN RETURN $$x$$; END $fn$");
            assertThat(t.kind()).isEqualTo(DOLLAR_STRING);
            assertThat(t.text()).isEqualTo("$fn$ BEGIN RETURN $$x$$; END $fn$");
        }

        @Test
        void dollar_string_ends_at_first_matching_delimiter() {
            assertThat(texts("$a$ x $a$ $a$ y $a$")).containsExactly("$a$ x $a$", "$a$ y $a$");
        }

        @Test
        void tag_that_merely_ends_like_the_delimiter_does_not_close() {
            assertThat(only("$a$ $ba$ $a$").text()).isEqualTo("$a$ $ba$ $a$");
            assertThat(only("$a$ x$ab$a$").text()).isEqualTo("$a$ x$ab$a$");
        }

        @Test
        void dollar_tags_are_case_sensitive() {
            assertThat(only("$A$ $a$ $A$").text()).isEqualTo("$A$ $a$ $A$");
        }

        @Test
        void dollar_followed_by_digit_is_a_parameter() {
            assertThat(SqlLexer.tokenize("$1 + $23")).extracting(Token::kind, Token::text)
                    .containsExactly(tuple(PARAM, "$1"), tuple(OPERATOR, "+"), tuple(PARAM, "$23"));
        }

        @Test
        void dollar_digit_dollar_is_a_parameter_then_a_lone_dollar() {
            assertThat(SqlLexer.tokenize("$1$")).extracting(Token::kind, Token::text)
                    .containsExactly(tuple(PARAM, "$1"), tuple(OPERATOR, "$"));
        }

        @Test
        void tag_may_contain_digits_after_the_first_character() {
            assertThat(only("$t1$x$t1$").kind()).isEqualTo(DOLLAR_STRING);
        }

        @Test
        void multi_line_dollar_body_is_one_token() {
            Token t = only("$body$\nline 1;\nline 2;\n$body$");
            assertThat(t.line()).isEqualTo(1);
        }
    }

}
