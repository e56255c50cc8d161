package dev.cairn.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.catalog.SchemaSnapshot;
import dev.cairn.catalog.SchemaSnapshot.Column;
import dev.cairn.catalog.SchemaSnapshot.Table;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The schema diff, one row per case: a column as the database has it and as the bundle wants it
 * ({@code -} for none, else {@code type [not null] [default expr]}), and the changes planned as
 * {@code ChangeType COMPATIBILITY allow-token}. Which changes are safe, which lose data and which
 * {@code allow} token lets them through is the contract {@code /migrate} answers with.
 */
class SchemaDiffTableTest {

    private static final Pattern SPEC = Pattern.compile("(.+?)( not null)?( default (.+))?");

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            -                          | integer                       | AddColumn SAFE -
            -                          | integer not null              | AddColumn DATALOSS add_not_null_column
            -                          | integer not null default 0    | AddColumn SAFE -
            integer                    | -                             | DropColumn DATALOSS drop_column
            integer                    | integer                       | (none)
            integer                    | bigint                        | ModifyColumnType SAFE -
            bigint                     | integer                       | ModifyColumnType DATALOSS modify_column_type
            character varying(50)      | character varying(100)        | ModifyColumnType SAFE -
            character varying(100)     | character varying(50)         | ModifyColumnType DATALOSS modify_column_type
            character varying(50)      | text                          | ModifyColumnType SAFE -
            numeric(10,2)              | numeric(12,2)                 | ModifyColumnType SAFE -
            numeric(10,2)              | numeric(10,1)                 | ModifyColumnType DATALOSS modify_column_type
            integer                    | integer not null              | ModifyColumnNullable DATALOSS set_not_null
            integer not null           | integer                       | ModifyColumnNullable SAFE -
            integer default 1          | integer default 2             | ModifyColumnDefault SAFE -
            integer default 1          | integer                       | ModifyColumnDefault SAFE -
            integer                    | bigint not null               | ModifyColumnType SAFE -; ModifyColumnNullable DATALOSS set_not_null
            """)
    void a_column_change_is_planned_with_its_compatibility_and_allow_token(String have, String want,
                                                                           String expected) {
        SchemaSnapshot current = snapshot(table(have), Map.of());
        SchemaSnapshot desired = snapshot(table(want), Map.of());

        assertThat(describe(SchemaDiff.diff(current, desired))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            a,b       | a,b       | (none)
            a,b       | a,b,c     | AddEnumValue SAFE -
            a,c       | a,b,c     | AddEnumValue SAFE -
            a,b       | b,a       | (none)
            """)
    void enum_values_are_only_ever_added(String have, String want, String expected) {
        SchemaSnapshot current = snapshot(List.of(), Map.of("public.mood", List.of(have.split(","))));
        SchemaSnapshot desired = snapshot(List.of(), Map.of("public.mood", List.of(want.split(","))));

        assertThat(describe(SchemaDiff.diff(current, desired))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} tables -> {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            0 | 1 | CreateTable SAFE -
            1 | 0 | DropTable DATALOSS drop_table
            """)
    void whole_tables(int have, int want, String expected) {
        List<Table> one = List.of(new Table("public", "t", List.of(column("integer")), List.of(), List.of()));
        SchemaSnapshot current = snapshot(have == 1 ? one : List.of(), Map.of());
        SchemaSnapshot desired = snapshot(want == 1 ? one : List.of(), Map.of());

        assertThat(describe(SchemaDiff.diff(current, desired))).startsWith(expected);
    }

    private static String describe(Plan plan) {
        String changes = plan.changes().stream().map(c -> c.type() + " " + c.compatibility() + " "
                + c.allow().map(AllowKind::token).orElse("-")).collect(Collectors.joining("; "));
        return changes.isEmpty() ? "(none)" : changes;
    }

    private static SchemaSnapshot snapshot(List<Table> tables, Map<String, List<String>> enums) {
        return new SchemaSnapshot(tables.stream().collect(Collectors.toMap(Table::key, t -> t)), enums);
    }

    /** Table {@code public.t} with a key column {@code id} and, unless {@code spec} is "-", column {@code c}. */
    private static List<Table> table(String spec) {
        Column id = new Column("id", "integer", "integer", -1, true, "", "", "");
        List<Column> columns = spec.equals("-") ? List.of(id) : List.of(id, column(spec));
        return List.of(new Table("public", "t", columns, List.of(), List.of()));
    }

    private static Column column(String spec) {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException(spec);
        }
        String type = m.group(1);
        int paren = type.indexOf('(');
        String base = paren < 0 ? type : type.substring(0, paren);
        return new Column("c", type, base, typmod(type, paren), m.group(2) != null,
                m.group(4) == null ? "" : m.group(4), "", "");
    }

    /** {@code atttypmod} as PostgreSQL stores it: length + 4, or (precision << 16 | scale) + 4. */
    private static int typmod(String type, int paren) {
        if (paren < 0) {
            return -1;
        }
        String[] args = type.substring(paren + 1, type.length() - 1).split(",");
        return args.length == 1 ? Integer.parseInt(args[0]) + 4
                : (Integer.parseInt(args[0]) << 16 | Integer.parseInt(args[1])) + 4;
    }
}
