package dev.cairn.diff;

import dev.cairn.catalog.SchemaSnapshot.Column;
import java.util.List;
import java.util.Map;

/**
 * Classifies a column type change by the real types and typmods PostgreSQL reports, never by
 * comparing type names as text (the StoneScript gateway turned BOOL into BOOLEANEAN and thought
 * INT and INTEGER incompatible).
 *
 * <ul>
 *   <li>safe: widening within a family: smallint → integer → bigint, integers → numeric wide
 *       enough, real → double precision, varchar(n) → varchar(m > n), → varchar, → text,
 *       char(n) → varchar/text, numeric(p,s) → numeric with at least as many integer and fraction
 *       digits, date → timestamp(tz), timestamp → timestamptz; arrays of such types alike;</li>
 *   <li>data-loss: any other change within one family (numbers, strings, dates and times):
 *       values convert but may be cut, rounded or refused;</li>
 *   <li>incompatible: anything else (int → text, text → uuid, one enum to another, ...).</li>
 * </ul>
 */
final class TypeChanges {

    /** Integer types and how many decimal digits a numeric needs to hold every value. */
    private static final Map<String, Integer> INTEGER_DIGITS = Map.of("smallint", 5, "integer", 10, "bigint", 19);
    private static final List<String> INTEGERS = List.of("smallint", "integer", "bigint");
    private static final List<String> STRINGS = List.of("character", "character varying", "text");

    private TypeChanges() {
    }

    static Compatibility classify(Column from, Column to) {
        return classify(from.baseType(), from.typmod(), to.baseType(), to.typmod());
    }

    static Compatibility classify(String from, int fromMod, String to, int toMod) {
        if (from.equals(to) && fromMod == toMod) {
            return Compatibility.SAFE;
        }
        if (from.endsWith("[]") && to.endsWith("[]")) {
            return classify(element(from), fromMod, element(to), toMod);
        }
        if (widens(from, fromMod, to, toMod)) {
            return Compatibility.SAFE;
        }
        if (family(from) != null && family(from).equals(family(to))) {
            return Compatibility.DATALOSS;
        }
        return Compatibility.INCOMPATIBLE;
    }

    private static final List<String> NUMBERS = List.of("smallint", "integer", "bigint", "numeric", "real",
            "double precision");
    private static final List<String> DATES = List.of("date", "timestamp without time zone",
            "timestamp with time zone");

    /** Types whose values convert into each other (possibly with loss); null for the rest. */
    private static String family(String type) {
        if (NUMBERS.contains(type)) {
            return "number";
        }
        if (STRINGS.contains(type)) {
            return "string";
        }
        return DATES.contains(type) ? "datetime" : null;
    }

    private static String element(String arrayType) {
        return arrayType.substring(0, arrayType.length() - 2);
    }

    /** True when every value of {@code from} fits {@code to} unchanged. */
    static boolean widens(String from, int fromMod, String to, int toMod) {
        if (INTEGERS.contains(from) && INTEGERS.contains(to)) {
            return INTEGERS.indexOf(to) >= INTEGERS.indexOf(from);
        }
        if (INTEGERS.contains(from) && to.equals("numeric")) {
            return toMod < 0 || precision(toMod) - scale(toMod) >= INTEGER_DIGITS.get(from);
        }
        if (from.equals("real") && to.equals("double precision")) {
            return true;
        }
        if (from.equals("smallint") || from.equals("integer")) {
            if (to.equals("double precision")) {
                return true; // 53 bits of mantissa hold every 32-bit integer
            }
        }
        if (from.equals("numeric") && to.equals("numeric")) {
            return toMod < 0 || (fromMod >= 0 && scale(toMod) >= scale(fromMod)
                    && precision(toMod) - scale(toMod) >= precision(fromMod) - scale(fromMod));
        }
        if (STRINGS.contains(from) && STRINGS.contains(to)) {
            return stringWidens(from, fromMod, to, toMod);
        }
        return dateTimeWidens(from, fromMod, to, toMod);
    }

    /** Lengths live in the typmod as length + 4 (VARHDRSZ); -1 means "no limit". */
    private static boolean stringWidens(String from, int fromMod, String to, int toMod) {
        if (to.equals("text") || (to.equals("character varying") && toMod < 0)) {
            return true;
        }
        if (from.equals("text") || fromMod < 0) {
            return false;
        }
        if (to.equals("character") && !from.equals("character")) {
            return false; // blank-padding changes the values
        }
        return toMod >= fromMod;
    }

    private static boolean dateTimeWidens(String from, int fromMod, String to, int toMod) {
        boolean precisionKept = toMod < 0 || (fromMod >= 0 && toMod >= fromMod);
        if (from.equals(to) && (from.startsWith("time") || from.equals("interval"))) {
            return precisionKept; // timestamp(3) -> timestamp(6)
        }
        return switch (from) {
            case "date" -> to.equals("timestamp without time zone") || to.equals("timestamp with time zone");
            case "timestamp without time zone" -> to.equals("timestamp with time zone") && precisionKept;
            case "time without time zone" -> to.equals("time with time zone") && precisionKept;
            default -> false;
        };
    }

    private static int precision(int numericTypmod) {
        return ((numericTypmod - 4) >> 16) & 0xffff;
    }

    private static int scale(int numericTypmod) {
        return (numericTypmod - 4) & 0xffff;
    }
}
