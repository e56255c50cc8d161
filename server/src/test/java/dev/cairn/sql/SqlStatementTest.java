package dev.cairn.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlStatementTest {

    private static SqlStatement second(String sql) {
        return SqlScript.split(sql).get(1);
    }

    @Test
    void line_at_maps_error_positions_to_script_lines() {
        SqlStatement s = second("select 1;\n\ncreate table t (\n  id int,\n  x nosuchtype\n);");
        assertThat(s.startLine()).isEqualTo(3);
        assertThat(s.lineAt(1)).isEqualTo(3);
        assertThat(s.lineAt(s.text().indexOf("nosuchtype") + 1)).isEqualTo(5);
        assertThat(s.lineAt(s.text().indexOf("id") + 1)).isEqualTo(4);
    }

    @Test
    void position_of_the_newline_belongs_to_the_line_it_ends() {
        SqlStatement s = SqlScript.split("a\nb").getFirst();
        assertThat(s.lineAt(2)).isEqualTo(1);
        assertThat(s.lineAt(3)).isEqualTo(2);
    }

    @Test
    void line_at_clamps_positions_outside_the_text() {
        SqlStatement s = SqlScript.split("\n\nselect\n1").getFirst();
        assertThat(s.lineAt(0)).isEqualTo(3);
        assertThat(s.lineAt(-5)).isEqualTo(3);
        assertThat(s.lineAt(1000)).isEqualTo(4);
    }

    @Test
    void line_at_counts_crlf_as_one_break() {
        SqlStatement s = SqlScript.split("select\r\n1,\r\n2").getFirst();
        assertThat(s.lineAt(s.text().indexOf('2') + 1)).isEqualTo(3);
    }

    @Test
    void line_at_counts_positions_in_characters_not_utf16_units() {
        // PostgreSQL counts characters; the emoji is one character but two Java chars.
        SqlStatement s = SqlScript.split("select '\uD83D\uDE00',\nbad").getFirst();
        int position = s.text().codePointCount(0, s.text().indexOf("bad")) + 1;
        assertThat(s.lineAt(position)).isEqualTo(2);
        assertThat(s.lineAt(position - 1)).isEqualTo(1);
    }

    @Test
    void line_at_counts_lines_inside_dollar_bodies() {
        String sql = "create function f() returns int as $$\nbegin\n  return x;\nend\n$$ language plpgsql";
        SqlStatement s = SqlScript.split(sql).getFirst();
        assertThat(s.lineAt(s.text().indexOf("return x") + 1)).isEqualTo(3);
    }

    @Test
    void tokens_are_an_unmodifiable_copy() {
        SqlStatement s = SqlScript.split("select 1").getFirst();
        assertThat(s.tokens()).isUnmodifiable();
        SqlStatement copy = new SqlStatement("x", 1, 0, new java.util.ArrayList<>(List.of(s.tokens().getFirst())));
        assertThat(copy.tokens()).isUnmodifiable();
    }
}
