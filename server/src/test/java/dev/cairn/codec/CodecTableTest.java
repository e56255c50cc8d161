package dev.cairn.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.catalog.PgType;
import dev.cairn.catalog.Types;
import dev.cairn.error.CairnException;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The type codec in both directions, one row per case: JSON arguments to the PostgreSQL text that
 * is bound ({@link ParamEncoder}), and PostgreSQL's text of a result to JSON ({@link ValueWriters}).
 * The catalog is a hand-made one with the types the rows name.
 */
class CodecTableTest {

    /** As the faces read bodies: exact decimals (api.Json). */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final long ITEM = 20_000; // a composite type of the database: (name text, qty integer)
    private static final long POSITIVE = 20_001; // a domain over integer
    private static final Map<String, Long> OIDS = Map.ofEntries(Map.entry("bool", 16L), Map.entry("bytea", 17L),
            Map.entry("int8", 20L), Map.entry("int4", 23L), Map.entry("text", 25L), Map.entry("json", 114L),
            Map.entry("float8", 701L), Map.entry("int4[]", 1007L), Map.entry("text[]", 1009L),
            Map.entry("timestamp", 1114L), Map.entry("timestamptz", 1184L), Map.entry("timetz", 1266L),
            Map.entry("numeric", 1700L), Map.entry("jsonb", 3802L), Map.entry("uuid", 2950L), Map.entry("item", ITEM),
            Map.entry("positive", POSITIVE), Map.entry("unknown", 99_999L));
    private static final Types TYPES = new Types(Map.ofEntries(
            base(16, "boolean", 'B'), base(17, "bytea", 'U'), base(20, "bigint", 'N'), base(23, "integer", 'N'),
            base(25, "text", 'S'), base(114, "json", 'U'), base(701, "double precision", 'N'),
            array(1007, "integer[]", 23), array(1009, "text[]", 25), base(1114, "timestamp without time zone", 'D'),
            base(1184, "timestamp with time zone", 'D'), base(1266, "time with time zone", 'D'),
            base(1700, "numeric", 'N'), base(3802, "jsonb", 'U'), base(2950, "uuid", 'U')),
            Map.of(ITEM, new PgType(ITEM, "item", 'c', 'C', 0, 0, ',', List.of(new PgType.Attribute("name", 25),
                            new PgType.Attribute("qty", 23))),
                    POSITIVE, new PgType(POSITIVE, "positive", 'd', 'N', 0, 23, ',', List.of())));

    private static Map.Entry<Long, PgType> base(long oid, String name, char category) {
        return Map.entry(oid, new PgType(oid, name, 'b', category, 0, 0, ',', List.of()));
    }

    private static Map.Entry<Long, PgType> array(long oid, String name, long element) {
        return Map.entry(oid, new PgType(oid, name, 'b', 'A', element, 0, ',', List.of()));
    }

    @ParameterizedTest(name = "{1} {0} binds as {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            42                          | int4      | 42
            12345678901234567890        | numeric   | 12345678901234567890
            0.1                         | numeric   | 0.1
            1.5e3                       | float8    | 1500
            true                        | bool      | true
            "it's"                      | text      | it's
            null                        | text      | NULL
            7                           | positive  | 7
            [1,2,null]                  | int4[]    | {"1","2",NULL}
            [[1,2],[3,4]]               | int4[]    | {{"1","2"},{"3","4"}}
            ["a,b","q\\"t"]             | text[]    | {"a,b","q\\"t"}
            {"name":"nut","qty":3}      | item      | ("nut","3")
            {"name":"nut"}              | item      | ("nut",)
            {"a":[1,2]}                 | jsonb     | {"a":[1,2]}
            "{\\"a\\":1}"               | json      | {"a":1}
            {"kept":"as json"}          | text      | {"kept":"as json"}
            "aGk="                      | bytea     | \\x6869
            "raw"                       | unknown   | raw
            """)
    void json_arguments_bind_as_postgresql_text(String json, String type, String expected) throws Exception {
        Optional<String> bound = new ParamEncoder(TYPES).encode(JSON.readTree(json), OIDS.get(type), "p");
        assertThat(bound.orElse(null)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1} {0} is refused: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            [1,2]                       | int4      | p expects integer, got a JSON array
            {"a":1}                     | numeric   | p expects numeric, got a JSON object
            {"name":"n","colour":"red"} | item      | p has no field(s) [colour]
            "not base64!"               | bytea     | p
            """)
    void arguments_that_cannot_fit_are_refused_naming_the_argument(String json, String type, String message)
            throws Exception {
        JsonNode value = JSON.readTree(json);
        assertThatThrownBy(() -> new ParamEncoder(TYPES).encode(value, OIDS.get(type), "p"))
                .isInstanceOf(CairnException.class).hasMessageContaining(message);
    }

    @ParameterizedTest(name = "{1} {0} is written as {2}")
    @CsvSource(delimiter = '|', textBlock = """
            42                              | int4        | 42
            9223372036854775807             | int8        | 9223372036854775807
            0.10                            | numeric     | 0.10
            NaN                             | numeric     | "NaN"
            -Infinity                       | float8      | "-Infinity"
            t                               | bool        | true
            f                               | bool        | false
            {"a": [1, 2]}                   | jsonb       | {"a": [1, 2]}
            \\x6869                         | bytea       | "aGk="
            2024-01-15 10:30:00+05:30       | timestamptz | "2024-01-15T10:30:00+05:30"
            2024-01-15 10:30:00+00          | timestamptz | "2024-01-15T10:30:00+00:00"
            2024-01-15 10:30:00             | timestamp   | "2024-01-15T10:30:00"
            infinity                        | timestamptz | "infinity"
            10:30:00+02                     | timetz      | "10:30:00+02:00"
            {1,NULL,3}                      | int4[]      | [1,null,3]
            {{1,2},{3,4}}                   | int4[]      | [[1,2],[3,4]]
            {"a,b",c}                       | text[]      | ["a,b","c"]
            (nut,3)                         | item        | {"name":"nut","qty":3}
            (,)                             | item        | {"name":null,"qty":null}
            7                               | positive    | 7
            a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 | uuid   | "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
            """)
    void postgresql_text_is_written_as_json(String text, String type, String expected) throws Exception {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            new ValueWriters(TYPES).forType(OIDS.get(type)).write(g, text);
        }
        assertThat(out.toString()).isEqualTo(expected);
    }
}
