package dev.cairn.sql;

import static dev.cairn.sql.SqlLexerTest.kinds;
import static dev.cairn.sql.SqlLexerTest.only;
import static dev.cairn.sql.SqlLexerTest.texts;
import static dev.cairn.sql.TokenKind.NUMBER;
import static dev.cairn.sql.TokenKind.OPERATOR;
import static dev.cairn.sql.TokenKind.WORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Numbers, operators, line numbers and unterminated input. */
class SqlLexerDetailsTest {

    @Nested
    class Numbers {

        @ParameterizedTest
        @ValueSource(strings = {"1", "42", "1.5", ".5", "1.", "1e10", "1E10", "1.5e-3", "1.5E+3",
            "0x1F", "0X1f", "0o17", "0b101", "1_000", "1_000.000_1", "0x_FF", "1.e5"})
        void number_forms_are_one_token(String number) {
            Token t = only(number);
            assertThat(t.kind()).isEqualTo(NUMBER);
            assertThat(t.text()).isEqualTo(number);
        }

        @Test
        void minus_sign_is_an_operator() {
            assertThat(SqlLexer.tokenize("-1.5e-3")).extracting(Token::kind, Token::text)
                    .containsExactly(tuple(OPERATOR, "-"), tuple(NUMBER, "1.5e-3"));
        }

        @Test
        void range_dots_after_an_integer_are_not_a_decimal_point() {
            assertThat(texts("1..10")).containsExactly("1", "..", "10");
        }

        @Test
        void exponent_without_digits_is_not_part_of_the_number() {
            assertThat(SqlLexer.tokenize("1e")).extracting(Token::kind, Token::text)
                    .containsExactly(tuple(NUMBER, "1"), tuple(WORD, "e"));
        }

        @Test
        void underscore_must_sit_between_digits() {
            assertThat(texts("1__0")).containsExactly("1", "__0");
            assertThat(texts("1_")).containsExactly("1", "_");
        }

        @Test
        void hex_prefix_without_digits_is_zero_then_a_word() {
            assertThat(texts("0xg")).containsExactly("0", "xg");
        }

        @Test
        void qualified_column_then_number() {
            assertThat(texts("t.c .5")).containsExactly("t", ".", "c", ".5");
        }
    }

    @Nested
    class Operators {

        @Test
        void operator_runs_are_one_token() {
            assertThat(texts("a <> b >= c || d @> e ->> f !~* g"))
                    .containsExactly("a", "<>", "b", ">=", "c", "||", "d", "@>", "e", "->>", "f", "!~*", "g");
        }

        @Test
        void trailing_minus_is_split_off_a_plain_operator() {
            assertThat(texts("a=-1")).containsExactly("a", "=", "-", "1");
            assertThat(texts("a<-+1")).containsExactly("a", "<", "-", "+", "1");
        }

        @Test
        void trailing_minus_stays_when_operator_has_a_non_sql_character() {
            assertThat(texts("a @- b")).containsExactly("a", "@-", "b");
            assertThat(texts("a ?- b")).containsExactly("a", "?-", "b");
        }

        @Test
        void backslash_and_backquote_are_operator_characters() {
            assertThat(kinds("\\ `")).containsExactly(OPERATOR, OPERATOR);
        }

        @Test
        void named_argument_arrow() {
            assertThat(texts("f(days => 3)")).containsExactly("f", "(", "days", "=>", "3", ")");
        }
    }

    @Nested
    class Lines {

        @Test
        void lines_are_one_based() {
            assertThat(SqlLexer.tokenize("a\nb\n\nc")).extracting(Token::line).containsExactly(1, 2, 4);
        }

        @Test
        void lines_are_counted_across_multi_line_strings() {
            var tokens = SqlLexer.tokenize("'a\nb\nc' x\ny");
            assertThat(tokens).extracting(Token::line).containsExactly(1, 3, 4);
        }

        @Test
        void lines_are_counted_across_block_comments_and_dollar_bodies() {
            var tokens = SqlLexer.tokenize("/*\n\n*/ a $$\n\n$$ b\n-- c\nd");
            assertThat(tokens).extracting(Token::text, Token::line)
                    .containsExactly(tuple("a", 3), tuple("$$\n\n$$", 3), tuple("b", 5), tuple("d", 7));
        }

        @Test
        void crlf_counts_as_one_line_break() {
            assertThat(SqlLexer.tokenize("a\r\nb\r\n\r\nc")).extracting(Token::line).containsExactly(1, 2, 4);
        }

        @Test
        void lone_carriage_return_counts_as_a_line_break() {
            assertThat(SqlLexer.tokenize("a\rb")).extracting(Token::line).containsExactly(1, 2);
        }

        @Test
        void crlf_inside_a_string_is_one_line_break() {
            assertThat(SqlLexer.tokenize("'x\r\ny' z")).extracting(Token::line).containsExactly(1, 2);
        }
    }

    @Nested
    class Errors {

        private void assertUnterminated(String sql, String what, int line) {
            assertThatThrownBy(() -> SqlLexer.tokenize(sql))
                    .isInstanceOfSatisfying(CairnException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_FAILED);
                        assertThat(e.getMessage()).contains("unterminated " + what)
                                .contains("line " + line);
                        assertThat(e.problem().fields()).containsEntry("line", line);
                    });
        }

        @Test
        void unterminated_string_reports_its_start_line() {
            assertUnterminated("select 1;\nselect\n 'abc\n\n", "quoted string", 3);
        }

        @Test
        void string_ending_in_doubled_quote_is_unterminated() {
            assertUnterminated("'abc''", "quoted string", 1);
        }

        @Test
        void escape_string_ending_in_backslash_quote_is_unterminated() {
            assertUnterminated("x\nE'abc\\'", "quoted string", 2);
        }

        @Test
        void unterminated_bit_and_hex_strings_are_named() {
            assertUnterminated("B'10", "bit string literal", 1);
            assertUnterminated("X'1f", "hexadecimal string literal", 1);
        }

        @Test
        void unterminated_block_comment_reports_its_start_line() {
            assertUnterminated("a\r\nb /* c\r\n d", "/* comment", 2);
        }

        @Test
        void nested_block_comment_closed_only_once_is_unterminated() {
            assertUnterminated("/* /* */ x", "/* comment", 1);
        }

        @Test
        void unterminated_quoted_identifier_reports_its_start_line() {
            assertUnterminated("\n\n\"abc", "quoted identifier", 3);
            assertUnterminated("U&\"abc", "quoted identifier", 1);
        }

        @Test
        void unterminated_dollar_quote_reports_its_start_line() {
            assertUnterminated("select 1;\n$fn$ body $$ $fn", "dollar-quoted string", 2);
            assertUnterminated("$$", "dollar-quoted string", 1);
        }
    }
}
