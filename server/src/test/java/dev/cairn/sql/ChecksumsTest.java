package dev.cairn.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChecksumsTest {

    private static void assertSame(String a, String b) {
        assertThat(Checksums.normalize(b)).isEqualTo(Checksums.normalize(a));
        assertThat(Checksums.of(b)).isEqualTo(Checksums.of(a));
    }

    private static void assertDifferent(String a, String b) {
        assertThat(Checksums.normalize(b)).isNotEqualTo(Checksums.normalize(a));
        assertThat(Checksums.of(b)).isNotEqualTo(Checksums.of(a));
    }

    private static final String FUNCTION = """
            CREATE OR REPLACE FUNCTION sub_find_by_email(p_email TEXT)
            RETURNS JSON
            LANGUAGE plpgsql
            AS $$
            DECLARE
                v_sub RECORD;
            BEGIN
                SELECT id, status INTO v_sub
                FROM subscriptions
                WHERE LOWER(owner_email) = LOWER(p_email) AND status = 'Active'
                LIMIT 1;
                -- nothing found is fine
                RETURN json_build_object('id', v_sub.id);
            END;
            $$;
            """;

    @Nested
    class Hashing {

        @Test
        void sha256_hex_is_lower_case_hex_of_the_digest() {
            assertThat(Checksums.sha256Hex("abc".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
            assertThat(Checksums.sha256Hex(new byte[0]))
                    .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        }

        @Test
        void checksum_is_sha256_of_the_normal_form() {
            String sql = "SELECT 1;";
            assertThat(Checksums.of(sql))
                    .isEqualTo(Checksums.sha256Hex(Checksums.normalize(sql).getBytes(StandardCharsets.UTF_8)))
                    .hasSize(64)
                    .matches("[0-9a-f]{64}");
        }

        @Test
        void empty_script_has_the_checksum_of_the_empty_string() {
            assertThat(Checksums.normalize("  -- nothing\n ; ")).isEmpty();
            assertThat(Checksums.of("")).isEqualTo(Checksums.sha256Hex(new byte[0]));
        }

        @Test
        void unterminated_literal_is_reported_not_hashed() {
            assertThatThrownBy(() -> Checksums.of("select 'oops")).isInstanceOf(CairnException.class);
        }
    }

    @Nested
    class NormalForm {

        @Test
        void tokens_are_joined_by_one_space_and_words_lower_cased() {
            assertThat(Checksums.normalize("SELECT  a,\n\tB FROM \"T\"  WHERE x::INT = 1"))
                    .isEqualTo("select a , b from \"T\" where x :: int = 1");
        }

        @Test
        void statements_are_joined_by_semicolon_newline() {
            assertThat(Checksums.normalize("select 1;\n\n\nselect 2;")).isEqualTo("select 1;\nselect 2");
        }

        @Test
        void literal_prefix_case_is_normalized_but_content_is_not() {
            assertThat(Checksums.normalize("select e'A\\n', x'Ff', u&\"X\"")).isEqualTo("select E'A\\n' , X'Ff' , U&\"X\"");
        }

        @Test
        void routine_body_is_normalized_and_requoted_with_a_fixed_delimiter() {
            assertThat(Checksums.normalize("create function f() returns int language sql as $fn$\n  SELECT   1 -- one\n$fn$"))
                    .isEqualTo("create function f ( ) returns int language sql as $$select 1$$");
        }

        @Test
        void non_body_dollar_string_is_kept_exactly_with_tag_normalized() {
            assertThat(Checksums.normalize("insert into t values ($x$  Keep  -- this $x$)"))
                    .isEqualTo("insert into t values ( $$  Keep  -- this $$ )");
        }
    }

    @Nested
    class FormattingDoesNotMatter {

        @Test
        void whitespace_changes_keep_the_checksum() {
            assertSame("CREATE TABLE t (id int, name text);",
                    "CREATE   TABLE t(\n    id   int,\n\tname text\n)\n;\n\n");
        }

        @Test
        void crlf_line_endings_keep_the_checksum() {
            assertSame("create table t (\n id int\n);\n", "create table t (\r\n id int\r\n);\r\n");
        }

        @Test
        void comment_changes_keep_the_checksum() {
            assertSame("-- v1\nCREATE TABLE t (id int); /* old */",
                    "/* header\n /* nested */ */ CREATE TABLE t ( -- the key\n id int);");
        }

        @Test
        void keyword_case_keeps_the_checksum() {
            assertSame("create table t (id integer not null default 0);",
                    "CREATE TABLE t (ID INTEGER NOT NULL DEFAULT 0);");
        }

        @Test
        void unquoted_identifier_case_keeps_the_checksum() {
            assertSame("select UserName from Users", "select username from users");
        }

        @Test
        void trailing_semicolon_and_empty_statements_keep_the_checksum() {
            assertSame("select 1", "select 1;;;");
        }

        @Test
        void a_byte_order_mark_keeps_the_checksum() {
            assertSame("select 1;", "\uFEFFselect 1;");
        }

        @Test
        void dollar_tag_rename_keeps_the_checksum() {
            assertSame(FUNCTION, FUNCTION.replace("$$", "$body$"));
        }

        @Test
        void dollar_tag_rename_of_a_value_keeps_the_checksum() {
            assertSame("insert into t values ($$a 'b'$$)", "insert into t values ($q$a 'b'$q$)");
        }

        @Test
        void reformatting_a_plpgsql_body_keeps_the_checksum() {
            String reformatted = """
                    create or replace function SUB_FIND_BY_EMAIL(P_EMAIL text) returns json language PLPGSQL as $fn$
                    declare v_sub record;
                    begin
                      select id, status into v_sub from subscriptions where lower(owner_email) = lower(p_email)
                        and status = 'Active' limit 1;
                      /* a different comment */
                      return json_build_object('id', v_sub.id);
                    end;
                    $fn$;
                    """;
            assertSame(FUNCTION, reformatted);
        }

        @Test
        void body_before_or_after_language_clause_normalizes_the_body_either_way() {
            assertThat(Checksums.normalize("create function f() returns int as $$ SELECT  1 $$ language sql"))
                    .isEqualTo("create function f ( ) returns int as $$select 1$$ language sql");
        }

        @Test
        void do_block_body_is_normalized() {
            assertSame("DO $$ BEGIN PERFORM 1; END $$;", "do $do$\nbegin\n  perform 1;\nend\n$do$");
        }

        @Test
        void quoted_language_name_still_marks_a_sql_body() {
            assertSame("create function f() returns int as $$select 1$$ language 'sql'",
                    "create function f() returns int as $$ SELECT 1 $$ language 'sql'");
        }

        @Test
        void procedure_body_is_normalized() {
            assertSame("create procedure p() language plpgsql as $$ begin commit; end $$",
                    "CREATE PROCEDURE p() LANGUAGE plpgsql AS $$\nBEGIN\n  COMMIT;\nEND\n$$");
        }

        @Test
        void begin_atomic_body_is_normalized_like_any_sql() {
            assertSame("create function f() returns int language sql begin atomic select 1; end",
                    "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND;");
        }

        @Test
        void nested_dollar_string_inside_a_body_is_kept_and_its_tag_normalized() {
            assertSame("create function f() returns text language plpgsql as $$ begin execute $q$select 'x'$q$; end $$",
                    "create function f() returns text language plpgsql as $f$\nbegin\n execute $e$select 'x'$e$;\nend\n$f$");
        }

        @Test
        void operator_spacing_that_keeps_tokens_keeps_the_checksum() {
            assertSame("select a=-1", "select a = - 1");
            assertSame("select a<>b", "select a <> b");
        }

        @Test
        void escape_string_prefix_case_keeps_the_checksum() {
            assertSame("select E'a\\tb'", "select e'a\\tb'");
        }
    }

    @Nested
    class MeaningMatters {

        @Test
        void literal_case_change_changes_the_checksum() {
            assertDifferent("insert into t values ('Active')", "insert into t values ('active')");
        }

        @Test
        void literal_spacing_change_changes_the_checksum() {
            assertDifferent("select 'a  b'", "select 'a b'");
            assertDifferent("select 'a\nb'", "select 'a\r\nb'");
        }

        @Test
        void line_comment_marker_inside_string_is_kept() {
            // The old system cut lines at "--" even inside literals, so these collided.
            assertDifferent("insert into t values ('--not a comment')", "insert into t values ('--other text')");
            assertThat(Checksums.normalize("select '--not a comment', 1")).isEqualTo("select '--not a comment' , 1");
        }

        @Test
        void block_comment_marker_inside_string_is_kept() {
            assertDifferent("select '/* a */'", "select '/* b */'");
        }

        @Test
        void quoted_identifier_case_changes_the_checksum() {
            assertDifferent("select \"MixedCase\" from t", "select mixedcase from t");
            assertDifferent("select \"MixedCase\" from t", "select \"mixedcase\" from t");
        }

        @Test
        void number_spelling_changes_the_checksum() {
            assertDifferent("select 1.0", "select 1.00");
            assertDifferent("select 1", "select 2");
        }

        @Test
        void literal_change_inside_a_plpgsql_body_changes_the_checksum() {
            assertDifferent(FUNCTION, FUNCTION.replace("'Active'", "'active'"));
        }

        @Test
        void code_change_inside_a_plpgsql_body_changes_the_checksum() {
            assertDifferent(FUNCTION, FUNCTION.replace("LIMIT 1", "LIMIT 2"));
            assertDifferent(FUNCTION, FUNCTION.replace("v_sub.id", "v_sub.status"));
        }

        @Test
        void quoted_identifier_case_inside_a_body_changes_the_checksum() {
            assertDifferent("create function f() returns int language sql as $$select \"A\" from t$$",
                    "create function f() returns int language sql as $$select \"a\" from t$$");
        }

        @Test
        void value_dollar_string_content_is_exact() {
            assertDifferent("insert into t values ($$a  b$$)", "insert into t values ($$a b$$)");
            assertDifferent("insert into t values ($$Abc$$)", "insert into t values ($$abc$$)");
        }

        @Test
        void dollar_string_and_plain_string_differ() {
            assertDifferent("select $$a$$", "select 'a'");
        }

        @Test
        void body_in_another_language_is_kept_exactly() {
            String python = "create function f() returns int language plpython3u as $$\nif x:\n    return 1\nreturn 2\n$$";
            assertDifferent(python, python.replace("    return 1", "  return 1"));
            assertDifferent(python, python.replace("return 2", "RETURN 2"));
        }

        @Test
        void body_that_does_not_lex_as_sql_is_kept_exactly() {
            String js = "create function f() returns int language sql as $$ don't $$";
            assertThat(Checksums.normalize(js)).endsWith("as $$ don't $$");
        }

        @Test
        void operator_spacing_that_changes_tokens_changes_the_checksum() {
            assertDifferent("select a - -1", "select a --1\n");
            assertDifferent("select a @-1", "select a @ -1");
        }

        @Test
        void statement_boundaries_matter() {
            assertDifferent("select 1; select 2", "select 1 select 2");
        }

        @Test
        void parameter_number_matters() {
            assertDifferent("select $1", "select $2");
        }

        @Test
        void body_statement_boundaries_inside_a_body_matter() {
            assertDifferent("do $$ begin perform 1; perform 2; end $$", "do $$ begin perform 1 perform 2; end $$");
        }

        @Test
        void a_value_dollar_string_containing_the_normal_delimiter_cannot_collide() {
            // $a$x$$ $$y$a$ is one string; $$x$$ $$y$$ are two. Their normal forms must differ.
            assertDifferent("select $a$x$$ $$y$a$", "select $$x$$ $$y$$");
            assertThat(Checksums.normalize("select $a$x$$ $$y$a$")).isEqualTo("select $_1$x$$ $$y$_1$");
        }
    }
}
