package dev.cairn.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.cairn.catalog.PgType;
import dev.cairn.catalog.Tables;
import dev.cairn.catalog.Types;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * JSON values for table columns, checked against the column's type before anything is sent, so a
 * bad value is a {@code 400 validation_error} naming its field rather than PostgreSQL's nameless
 * complaint: integers in range, numbers, booleans, strings within a {@code varchar(n)}, uuids, enum
 * labels, arrays of those. What is not checked here (dates, ranges, network types) PostgreSQL
 * parses, and its error is still a 400.
 */
public final class FieldValues {

    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,20}");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}|\\{.*}");
    private static final BigInteger[] LIMITS = {
            BigInteger.valueOf(Short.MIN_VALUE), BigInteger.valueOf(Short.MAX_VALUE),
            BigInteger.valueOf(Integer.MIN_VALUE), BigInteger.valueOf(Integer.MAX_VALUE),
            BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE)};

    private final Types types;
    private final Map<Long, List<String>> enumLabels;
    private final ParamEncoder encoder;

    public FieldValues(Types types, Map<Long, List<String>> enumLabels) {
        this.types = types;
        this.enumLabels = enumLabels;
        this.encoder = new ParamEncoder(types);
    }

    /** The text to bind for {@code value} in {@code column}; empty for SQL NULL. */
    public Optional<String> text(JsonNode value, Tables.Column column, String field) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        check(value, column.type(), column.typmod(), field);
        try {
            return encoder.encode(value, column.type(), field);
        } catch (CairnException e) {
            throw invalid(field, e.getMessage().replaceFirst("^parameter \\S+ ", ""));
        }
    }

    /** A key value from a path (always text), checked like a JSON string for its column. */
    public String keyText(String value, Tables.Column column, String field) {
        PgType type = resolve(column.type());
        if (type != null && !type.isArray() && (type.category() == 'N' || type.category() == 'B')) {
            // Numbers and booleans arrive as text in a path; judge them as the JSON they stand for.
            check(TextNode.valueOf(value), column.type(), column.typmod(), field);
            return value;
        }
        return text(TextNode.valueOf(value), column, field).orElseThrow();
    }

    private void check(JsonNode value, long typeOid, int typmod, String field) {
        PgType type = resolve(typeOid);
        if (type == null) {
            return;
        }
        if (type.isArray()) {
            if (!value.isArray()) {
                throw invalid(field, "expects an array (" + type.sqlName() + ")");
            }
            for (JsonNode element : value) {
                if (!element.isNull() && !element.isArray()) {
                    check(element, type.element(), -1, field);
                }
            }
            return;
        }
        if (type.typtype() == 'e') {
            List<String> labels = enumLabels.getOrDefault(type.oid(), List.of());
            if (!value.isTextual() || !labels.contains(value.textValue())) {
                throw invalid(field, "expects one of " + labels);
            }
            return;
        }
        switch ((int) type.oid()) {
            case 21 -> integer(value, field, 0, "smallint");
            case 23 -> integer(value, field, 2, "integer");
            case 20 -> integer(value, field, 4, "bigint");
            case 700, 701, 1700 -> number(value, field, type.sqlName());
            case 16 -> {
                if (!value.isBoolean() && !(value.isTextual() && List.of("true", "false").contains(value.textValue()))) {
                    throw invalid(field, "expects true or false");
                }
            }
            case 25, 1043, 1042 -> {
                if (!value.isTextual()) {
                    throw invalid(field, "expects a string");
                }
                int max = typmod > 4 ? typmod - 4 : Integer.MAX_VALUE;
                if (value.textValue().codePointCount(0, value.textValue().length()) > max) {
                    throw invalid(field, "is longer than " + max + " characters");
                }
            }
            case 2950 -> {
                if (!value.isTextual() || !UUID.matcher(value.textValue()).matches()) {
                    throw invalid(field, "expects a uuid");
                }
            }
            case 1082, 1083, 1114, 1184, 1266 -> {
                if (!value.isTextual()) {
                    throw invalid(field, "expects a date or time as an ISO-8601 string");
                }
            }
            default -> {
            }
        }
    }

    private static void integer(JsonNode value, String field, int range, String name) {
        BigInteger n;
        if (value.isIntegralNumber()) {
            n = value.bigIntegerValue();
        } else if (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0) {
            n = value.decimalValue().toBigIntegerExact();
        } else if (value.isTextual() && INTEGER.matcher(value.textValue()).matches()) {
            n = new BigInteger(value.textValue());
        } else {
            throw invalid(field, "expects an integer (" + name + ")");
        }
        if (n.compareTo(LIMITS[range]) < 0 || n.compareTo(LIMITS[range + 1]) > 0) {
            throw invalid(field, "is out of range for " + name);
        }
    }

    private static void number(JsonNode value, String field, String name) {
        if (value.isNumber()) {
            return;
        }
        if (value.isTextual()) {
            String t = value.textValue();
            if (t.equals("NaN") || t.equals("Infinity") || t.equals("-Infinity")) {
                return;
            }
            try {
                new BigDecimal(t);
                return;
            } catch (NumberFormatException e) {
                // fall through to the error
            }
        }
        throw invalid(field, "expects a number (" + name + ")");
    }

    private PgType resolve(long oid) {
        return types.resolve(oid).orElse(null);
    }

    /** Does the column hold text (so contains/startsWith/endsWith and insensitive mode apply)? */
    public boolean isText(Tables.Column column) {
        PgType type = resolve(column.type());
        return type != null && type.category() == 'S' && !type.isArray();
    }

    public boolean isJson(Tables.Column column) {
        return column.type() == 114 || column.type() == 3802;
    }

    /** The element type of a float array column (for embedding search), if it is one. */
    public boolean isFloatArray(Tables.Column column) {
        PgType type = resolve(column.type());
        return type != null && type.isArray() && (type.element() == 700 || type.element() == 701);
    }

    public static CairnException invalid(String field, String why) {
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "field " + field + " " + why)
                .with("field", field));
    }
}
