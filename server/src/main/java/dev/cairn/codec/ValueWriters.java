package dev.cairn.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.catalog.PgType;
import dev.cairn.catalog.Types;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The type codec's output side, shared by every face that writes JSON: turns PostgreSQL's text
 * output of a value into proper JSON, by type: integers and
 * {@code numeric} as JSON numbers with their exact digits, booleans, {@code json}/{@code jsonb}
 * inline, arrays as arrays, composites as objects, {@code bytea} as base64, timestamps as
 * ISO-8601 (with offset for {@code timestamptz}); uuid, inet, enum, money, interval and anything
 * else as the string PostgreSQL prints.
 */
public final class ValueWriters {

    /** Writes one non-NULL value given PostgreSQL's text for it. */
    @FunctionalInterface
    public interface ValueWriter {
        void write(JsonGenerator g, String text) throws IOException;
    }

    private static final ValueWriter STRING = JsonGenerator::writeString;
    private static final ValueWriter INTEGER = JsonGenerator::writeNumber;
    private static final ValueWriter BOOLEAN = (g, t) -> g.writeBoolean(t.equals("t") || t.equals("true"));
    private static final ValueWriter JSON = JsonGenerator::writeRawValue;
    private static final ValueWriter DECIMAL = ValueWriters::decimal;
    private static final ValueWriter BYTEA = ValueWriters::bytea;
    private static final ValueWriter TIMESTAMP = (g, t) -> g.writeString(isoTimestamp(t));
    private static final ValueWriter TIME_WITH_ZONE = (g, t) -> g.writeString(isoOffset(t));

    private final Types types;

    public ValueWriters(Types types) {
        this.types = types;
    }

    public ValueWriter forType(long oid) {
        return types.resolve(oid).map(this::forResolved).orElse(STRING);
    }

    private ValueWriter forResolved(PgType type) {
        if (type.isArray()) {
            return array(forType(type.element()), type.delimiterOf(types));
        }
        if (type.isComposite()) {
            return composite(type.attributes());
        }
        return switch ((int) type.oid()) {
            case 16 -> BOOLEAN;
            case 20, 21, 23, 26 -> INTEGER;
            case 700, 701, 1700 -> DECIMAL;
            case 114, 3802 -> JSON;
            case 17 -> BYTEA;
            case 1114, 1184 -> TIMESTAMP;
            case 1266 -> TIME_WITH_ZONE;
            default -> STRING;
        };
    }

    private ValueWriter array(ValueWriter element, char delimiter) {
        return (g, text) -> {
            List<PgText.Element> elements;
            try {
                elements = PgText.array(text, delimiter);
            } catch (IllegalArgumentException e) {
                g.writeString(text); // never lose a value to a parser surprise
                return;
            }
            writeElements(g, elements, element);
        };
    }

    private static void writeElements(JsonGenerator g, List<PgText.Element> elements, ValueWriter element)
            throws IOException {
        g.writeStartArray();
        for (PgText.Element e : elements) {
            switch (e) {
                case PgText.Nested n -> writeElements(g, n.elements(), element);
                case PgText.Scalar s -> writeOptional(g, s.text(), element);
            }
        }
        g.writeEndArray();
    }

    private ValueWriter composite(List<PgType.Attribute> attributes) {
        List<ValueWriter> writers = attributes.stream().map(a -> forType(a.type())).toList();
        return (g, text) -> {
            List<Optional<String>> fields;
            try {
                fields = PgText.record(text);
            } catch (IllegalArgumentException e) {
                g.writeString(text);
                return;
            }
            g.writeStartObject();
            for (int i = 0; i < attributes.size() && i < fields.size(); i++) {
                g.writeFieldName(attributes.get(i).name());
                writeOptional(g, fields.get(i), writers.get(i));
            }
            g.writeEndObject();
        };
    }

    /** A value that may be SQL NULL (written as JSON null). */
    public static void writeOptional(JsonGenerator g, Optional<String> text, ValueWriter writer) throws IOException {
        if (text.isEmpty()) {
            g.writeNull();
        } else {
            writer.write(g, text.get());
        }
    }

    /** JSON has no NaN or infinities: those stay strings; every other numeric keeps its exact digits. */
    private static void decimal(JsonGenerator g, String text) throws IOException {
        char last = text.charAt(text.length() - 1);
        if (text.equals("NaN") || last == 'y') { // Infinity, -Infinity
            g.writeString(text);
        } else {
            g.writeNumber(text);
        }
    }

    private static void bytea(JsonGenerator g, String text) throws IOException {
        if (text.startsWith("\\x")) {
            g.writeString(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(text, 2, text.length())));
        } else {
            g.writeString(Base64.getEncoder().encodeToString(ByteaEscape.decode(text)));
        }
    }

    /** {@code 2024-01-15 10:30:00+05:30} becomes {@code 2024-01-15T10:30:00+05:30}; infinity stays as is. */
    static String isoTimestamp(String text) {
        int space = text.indexOf(' ');
        if (space != 10) {
            return text; // infinity, -infinity, or a BC date: PostgreSQL's own text is the honest answer
        }
        return text.substring(0, 10) + 'T' + isoOffset(text.substring(11));
    }

    /** PostgreSQL prints offsets as {@code +00} or {@code +05:30}; ISO-8601 wants {@code +00:00}. */
    static String isoOffset(String time) {
        int sign = Math.max(time.lastIndexOf('+'), time.lastIndexOf('-'));
        if (sign < 0) {
            return time;
        }
        String offset = time.substring(sign + 1);
        return offset.length() == 2 ? time + ":00" : time;
    }
}
