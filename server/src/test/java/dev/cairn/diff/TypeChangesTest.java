package dev.cairn.diff;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Type changes classified by real types and typmods, as PostgreSQL reports them. */
class TypeChangesTest {

    /** varchar(n) and char(n) store n + 4; numeric(p,s) stores ((p << 16) | s) + 4; time types store p. */
    static int mod(String spec) {
        if (spec.isEmpty()) {
            return -1;
        }
        String[] parts = spec.split("/");
        if (parts[0].equals("len")) {
            return Integer.parseInt(parts[1]) + 4;
        }
        if (parts[0].equals("num")) {
            return ((Integer.parseInt(parts[1]) << 16) | Integer.parseInt(parts[2])) + 4;
        }
        return Integer.parseInt(parts[1]);
    }

    @ParameterizedTest(name = "{0}{1} -> {2}{3} is {4}")
    @CsvSource(delimiter = '|', textBlock = """
            integer                     |           | bigint                      |            | SAFE
            smallint                    |           | integer                     |            | SAFE
            smallint                    |           | bigint                      |            | SAFE
            integer                     |           | numeric                     |            | SAFE
            integer                     |           | numeric                     | num/12/2   | SAFE
            bigint                      |           | numeric                     | num/19/0   | SAFE
            integer                     |           | double precision            |            | SAFE
            real                        |           | double precision            |            | SAFE
            character varying           | len/50    | character varying           | len/100    | SAFE
            character varying           | len/50    | character varying           |            | SAFE
            character varying           | len/50    | text                        |            | SAFE
            character varying           |           | text                        |            | SAFE
            text                        |           | character varying           |            | SAFE
            character                   | len/10    | character varying           | len/100    | SAFE
            character                   | len/10    | text                        |            | SAFE
            character                   | len/10    | character                   | len/20     | SAFE
            numeric                     | num/10/2  | numeric                     | num/12/2   | SAFE
            numeric                     | num/10/2  | numeric                     | num/12/4   | SAFE
            numeric                     | num/10/2  | numeric                     |            | SAFE
            date                        |           | timestamp without time zone |            | SAFE
            date                        |           | timestamp with time zone    |            | SAFE
            timestamp without time zone |           | timestamp with time zone    |            | SAFE
            timestamp without time zone | p/3       | timestamp without time zone | p/6        | SAFE
            integer[]                   |           | bigint[]                    |            | SAFE
            character varying[]         | len/20    | text[]                      |            | SAFE
            bigint                      |           | integer                     |            | DATALOSS
            integer                     |           | smallint                    |            | DATALOSS
            character varying           | len/100   | character varying           | len/50     | DATALOSS
            text                        |           | character varying           | len/50     | DATALOSS
            numeric                     | num/12/2  | numeric                     | num/10/2   | DATALOSS
            numeric                     | num/10/4  | numeric                     | num/10/2   | DATALOSS
            numeric                     |           | numeric                     | num/10/2   | DATALOSS
            numeric                     | num/12/2  | integer                     |            | DATALOSS
            double precision            |           | real                        |            | DATALOSS
            timestamp with time zone    |           | timestamp without time zone |            | DATALOSS
            timestamp without time zone |           | date                        |            | DATALOSS
            bigint[]                    |           | integer[]                   |            | DATALOSS
            integer                     |           | text                        |            | INCOMPATIBLE
            text                        |           | integer                     |            | INCOMPATIBLE
            text                        |           | uuid                        |            | INCOMPATIBLE
            uuid                        |           | text                        |            | INCOMPATIBLE
            boolean                     |           | integer                     |            | INCOMPATIBLE
            integer                     |           | boolean                     |            | INCOMPATIBLE
            mood                        |           | feeling                     |            | INCOMPATIBLE
            jsonb                       |           | json                        |            | INCOMPATIBLE
            bigint                      |           | double precision            |            | DATALOSS
            character varying           | len/10    | character                   | len/10     | DATALOSS
            integer[]                   |           | integer                     |            | INCOMPATIBLE
            """)
    void a_type_change_is_classified_by_type_and_typmod(String from, String fromMod, String to, String toMod,
                                                        Compatibility expected) {
        assertThat(TypeChanges.classify(from, mod(blank(fromMod)), to, mod(blank(toMod)))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} stays {0}")
    @CsvSource({"boolean", "integer", "text", "mood", "integer[]", "timestamp with time zone"})
    void the_same_type_is_no_change(String type) {
        assertThat(TypeChanges.classify(type, -1, type, -1)).isEqualTo(Compatibility.SAFE);
    }

    private static String blank(String s) {
        return s == null ? "" : s.strip();
    }
}
