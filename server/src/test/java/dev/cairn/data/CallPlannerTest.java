package dev.cairn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.catalog.Catalog;
import dev.cairn.catalog.PgType;
import dev.cairn.catalog.Routine;
import dev.cairn.catalog.Tables;
import dev.cairn.catalog.Types;
import dev.cairn.error.CairnException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How a call is planned, one row per case: which routine of a hand-made catalog a call picks
 * (by count, names, variadic spread), the SQL it renders, how it runs ({@link Query.Mode}), the
 * values it binds; and the stable error code of a call that cannot be planned.
 */
class CallPlannerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long INT4 = 23;
    private static final long TEXT = 25;
    private static final long INT4_ARRAY = 1007;

    private static int nextOid = 100; // before CATALOG: static fields start in the order they are written
    private static final Catalog CATALOG = catalog(
            fn("add", INT4, false, false, 1, in("a", INT4), in("b", INT4)),
            fn("greet", TEXT, false, true, 0, in("name", TEXT)),
            fn("greet", TEXT, false, true, 0, in("id", INT4)),
            fn("pick", TEXT, false, true, 0, in("x", TEXT)),
            fn("pick", TEXT, false, true, 0, in("y", TEXT)),
            Routine.of(10, "public", "log_event", false, false, true, List.of(in("msg", TEXT)), 0, List.of(), false),
            Routine.of(11, "public", "names", false, true, false, List.of(), 0, List.of(new Routine.Column("n", TEXT)),
                    true),
            Routine.of(12, "public", "touch", false, true, false, List.of(), 0, List.of(new Routine.Column("n", TEXT)),
                    false),
            Routine.of(13, "app", "total", false, false, false, List.of(new Routine.Argument("xs", INT4_ARRAY,
                    Routine.Mode.VARIADIC)), 0, List.of(new Routine.Column("total", INT4)), true),
            Routine.of(14, "public", "bump", true, false, false, List.of(in("by", INT4),
                    new Routine.Argument("result", INT4, Routine.Mode.OUT)), 0,
                    List.of(new Routine.Column("result", INT4)), false),
            Routine.of(15, "public", "anon", false, false, false, List.of(), 0, List.of(), true));

    private static Routine.Argument in(String name, long type) {
        return new Routine.Argument(name, type, Routine.Mode.IN);
    }

    private static Routine fn(String name, long returns, boolean set, boolean readOnly, int defaults,
                              Routine.Argument... args) {
        return Routine.of(nextOid++, "public", name, false, set, false, List.of(args), defaults,
                List.of(new Routine.Column(name, returns)), readOnly);
    }

    private static Catalog catalog(Routine... routines) {
        Map<String, List<Routine>> byName = new java.util.HashMap<>();
        for (Routine r : routines) {
            byName.computeIfAbsent(r.schema() + "." + r.name(), k -> new ArrayList<>()).add(r);
        }
        Types types = new Types(Map.of(INT4, base(INT4, "integer"), TEXT, base(TEXT, "text"),
                INT4_ARRAY, new PgType(INT4_ARRAY, "integer[]", 'b', 'A', INT4, 0, ',', List.of())), Map.of());
        return new Catalog("db", byName, types, Tables.none());
    }

    private static PgType base(long oid, String name) {
        return new PgType(oid, name, 'b', 'N', 0, 0, ',', List.of());
    }

    @ParameterizedTest(name = "{0}({1})")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            add       | [1,2]               | SELECT * FROM "public"."add"(?::integer, ?::integer)   | SINGLE    | 1;2
            add       | [1]                 | SELECT * FROM "public"."add"(?::integer)               | SINGLE    | 1
            add       | {"b":2,"a":1}       | SELECT * FROM "public"."add"("a" => ?::integer, "b" => ?::integer) | SINGLE | 1;2
            ADD       | [1,2]               | SELECT * FROM "public"."add"(?::integer, ?::integer)   | SINGLE    | 1;2
            greet     | {"name":"x"}        | SELECT * FROM "public"."greet"("name" => ?::text)      | SINGLE    | x
            greet     | {"id":7}            | SELECT * FROM "public"."greet"("id" => ?::integer)     | SINGLE    | 7
            log_event | ["hi"]              | SELECT "public"."log_event"(?::text)                   | NO_RESULT | hi
            names     | NULL                | SELECT * FROM "public"."names"()                       | READ_SET  |
            touch     | []                  | SELECT * FROM "public"."touch"()                       | WRITE_SET |
            app.total | [[1,2,3]]           | SELECT * FROM "app"."total"(VARIADIC ?::integer[])     | SINGLE    | {"1","2","3"}
            app.total | [1,2,3]             | SELECT * FROM "app"."total"(?::integer, ?::integer, ?::integer) | SINGLE | 1;2;3
            bump      | [5]                 | CALL "public"."bump"(?::integer, NULL::integer)        | SINGLE    | 5
            add       | [1,null]            | SELECT * FROM "public"."add"(?::integer, ?::integer)   | SINGLE    | 1;NULL
            """)
    void a_call_picks_its_routine_and_renders_typed_sql(String function, String params, String sql, String mode,
                                                        String values) throws Exception {
        Query q = CallPlanner.plan(CATALOG, function, params == null ? null : JSON.readTree(params));

        assertThat(q.sql()).isEqualTo(sql);
        assertThat(q.mode()).isEqualTo(Query.Mode.valueOf(mode));
        List<String> bound = q.parameters().stream().map(v -> v.orElse("NULL")).toList();
        assertThat(bound).isEqualTo(values == null ? List.of() : List.of(values.split(";")));
    }

    @ParameterizedTest(name = "{0}({1}) is {2}")
    @CsvSource(delimiter = '|', textBlock = """
            nope            | []              | function_not_found
            other.add       | [1,2]           | function_not_found
            add             | []              | validation_error
            add             | [1,2,3]         | validation_error
            add             | {"c":1}         | validation_error
            add             | "1"             | validation_error
            pick            | ["v"]           | ambiguous_function
            anon            | []              | validation_error
            add(1); --      | []              | function_not_found
            ' '             | []              | validation_error
            """)
    void a_call_that_cannot_be_planned_has_a_stable_error(String function, String params, String code)
            throws Exception {
        CairnException e = catchThrowableOfType(CairnException.class,
                () -> CallPlanner.plan(CATALOG, function, JSON.readTree(params)));

        assertThat(e).as(function + " " + params).isNotNull();
        assertThat(e.code().wireName()).isEqualTo(code);
    }

    @org.junit.jupiter.api.Test
    void the_sql_of_a_call_shape_is_rendered_once_per_catalog() throws Exception {
        Query first = CallPlanner.plan(CATALOG, "add", JSON.readTree("[1,2]"));
        Query second = CallPlanner.plan(CATALOG, "add", JSON.readTree("[3,4]"));

        assertThat(second.sql()).isSameAs(first.sql());
        assertThat(second.parameters()).containsExactly(Optional.of("3"), Optional.of("4"));
    }
}
