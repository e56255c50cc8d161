package dev.cairn.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: uploaded files must never hang the lexer, overflow the stack or fail with
 * anything but CairnException. Large inputs check the algorithms are linear by construction
 * (a quadratic scan of 1 MB would take minutes; no timing is asserted).
 */
class RobustnessTest {

    private static final int MEGABYTE = 1 << 20;

    private static String repeat(String unit, int totalLength) {
        return unit.repeat(totalLength / unit.length() + 1);
    }

    @Test
    void one_megabyte_script_tokenizes_and_splits() {
        String sql = repeat("INSERT INTO t (a, b) VALUES (1, 'x;y'), (2, $$z$$); -- c\n", MEGABYTE);
        assertThat(SqlLexer.tokenize(sql)).hasSizeGreaterThan(100_000);
        assertThat(SqlScript.split(sql)).hasSizeGreaterThan(10_000);
        assertThat(Checksums.of(sql)).hasSize(64);
    }

    @Test
    void one_megabyte_operator_run_that_splits_into_single_characters() {
        // Every trailing +/- is split off; rescanning the run each time would be quadratic.
        String sql = "select 1 " + repeat("+-", MEGABYTE) + " 1";
        assertThat(SqlLexer.tokenize(sql)).hasSizeGreaterThan(MEGABYTE);
    }

    @Test
    void one_megabyte_of_near_miss_dollar_tags_inside_a_dollar_string() {
        String body = repeat("$ab$a$$abc", MEGABYTE);
        List<Token> tokens = SqlLexer.tokenize("$abcd$" + body + "$abcd$");
        assertThat(tokens).hasSize(1);
    }

    @Test
    void one_megabyte_dollar_string_with_a_long_tag() {
        String tag = "t".repeat(100_000);
        String body = repeat("$" + "t".repeat(99_999) + "x", MEGABYTE);
        assertThat(SqlLexer.tokenize("$" + tag + "$" + body + "$" + tag + "$")).hasSize(1);
    }

    @Test
    void deeply_nested_block_comments() {
        String sql = "/*".repeat(200_000) + "*/".repeat(200_000) + " select 1";
        assertThat(SqlLexerTest.texts(sql)).containsExactly("select", "1");
    }

    @Test
    void deeply_nested_parentheses() {
        String sql = "select " + "(".repeat(200_000) + "1" + ")".repeat(200_000) + "; select 2";
        List<SqlStatement> statements = SqlScript.split(sql);
        assertThat(statements).hasSize(2);
        assertThat(StatementInfo.of(statements.getFirst()).referencedTables()).isEmpty();
        assertThat(Checksums.of(sql)).hasSize(64);
    }

    @Test
    void many_values_rows_count_linearly() {
        String sql = "insert into t values " + "(1, (2), 'x)'),".repeat(100_000) + "(0)";
        assertThat(StatementInfo.of(SqlScript.split(sql).getFirst()).valuesRowCount()).hasValue(100_001);
    }

    @Test
    void unbalanced_parentheses_do_not_break_analysis() {
        for (String sql : List.of("insert into t values (1, (2)", "insert into t values ((", "create table t (",
                "insert into", "create index on", "grant select on", "comment on column", "alter table",
                "create table t (a int references", "create table t () inherits (", "reindex (")) {
            StatementInfo info = StatementInfo.of(SqlScript.split(sql).getFirst());
            info.createdTable();
            info.referencedTables();
            info.createdType();
            info.createdView();
            info.insertTarget();
            info.valuesRowCount();
            info.isTransactionControl();
            info.notInTransactionReason();
            info.firstKeywords(5);
        }
    }

    @Test
    void deeply_nested_routine_bodies_are_bounded() {
        StringBuilder sql = new StringBuilder();
        int depth = 5_000;
        for (int i = 0; i < depth; i++) {
            sql.append("do $t").append(i).append("$ ");
        }
        sql.append("select 1");
        for (int i = depth - 1; i >= 0; i--) {
            sql.append(" $t").append(i).append('$');
        }
        String normal = Checksums.normalize(sql.toString());
        assertThat(normal).startsWith("do $_8$do $_7$do").contains("select 1");
        assertThat(Checksums.of(sql.toString())).hasSize(64);
    }

    @Test
    void random_input_never_throws_anything_but_cairn_exception() {
        String alphabet = "aZ_$09'\"\\-/*;:.()[],+<>=!@#%^&|`?~ \n\r\tEeUuXxBbNn{}\u00e9\uFEFF\u0000";
        String[] fragments = {"$$", "$a$", "--", "/*", "*/", "E'", "U&'", "U&\"", "''", "\"\"", "BEGIN ATOMIC",
            "CASE", "END", "create function f() as ", "do ", "insert into t values ", "create table ",
            "references ", "language sql ", "1.5e-3", "0x", "1..2"};
        Random random = new Random(20240601);
        for (int run = 0; run < 20_000; run++) {
            String sql = randomSql(random, alphabet, fragments);
            exercise(sql);
        }
    }

    private static String randomSql(Random random, String alphabet, String[] fragments) {
        StringBuilder b = new StringBuilder();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            if (random.nextInt(4) == 0) {
                b.append(fragments[random.nextInt(fragments.length)]);
            } else {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return b.toString();
    }

    private static void exercise(String sql) {
        try {
            List<Token> tokens = SqlLexer.tokenize(sql);
            for (Token t : tokens) {
                assertThat(sql.substring(t.offset(), t.end())).isEqualTo(t.text());
                t.identifier();
            }
            for (SqlStatement s : SqlScript.split(sql)) {
                StatementInfo info = StatementInfo.of(s);
                info.createdTable();
                info.referencedTables();
                info.valuesRowCount();
                info.notInTransactionReason();
                s.lineAt(s.text().length() / 2 + 1);
            }
            String normal = Checksums.normalize(sql);
            assertThat(Checksums.normalize(normal)).as("normal form is stable for %s", sql).isEqualTo(normal);
        } catch (CairnException expected) {
            assertThat(expected.getMessage()).startsWith("unterminated ");
        }
    }

    @Test
    void normalizing_twice_changes_nothing() {
        String sql = "CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $x$ BEGIN RETURN $q$a$$b$q$ || 'It''s'; END $x$;"
                + " INSERT INTO t VALUES ($$v$$, E'\\n', \"Q\")";
        String normal = Checksums.normalize(sql);
        assertThat(Checksums.normalize(normal)).isEqualTo(normal);
    }

    @Test
    void unterminated_input_reports_instead_of_hanging() {
        for (String sql : List.of("'", "\"", "$$", "$a$ $b$", "/*", "E'\\", "U&'", "B'", "X'", "N'", "/* /* */")) {
            assertThatThrownBy(() -> SqlLexer.tokenize(sql)).isInstanceOf(CairnException.class);
        }
    }
}
