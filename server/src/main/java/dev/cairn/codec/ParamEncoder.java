package dev.cairn.codec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.catalog.PgType;
import dev.cairn.catalog.Types;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The type codec's input side, shared by every face: turns a JSON value into the text PostgreSQL
 * parses as the declared type of a parameter or column. The text is always bound as a parameter,
 * never spliced into SQL: quotes, semicolons and comment markers in values are just characters.
 * Arrays become array literals, objects become record literals (or JSON for json/jsonb), base64
 * becomes bytea.
 */
public final class ParamEncoder {

    private static final long JSON = 114;
    private static final long JSONB = 3802;
    private static final long BYTEA = 17;

    private final Types types;

    public ParamEncoder(Types types) {
        this.types = types;
    }

    /** The text to bind, or empty for SQL NULL. */
    public Optional<String> encode(JsonNode value, long typeOid, String argument) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return Optional.empty();
        }
        PgType type = types.resolve(typeOid).orElse(null);
        if (type == null) {
            return Optional.of(scalarText(value, argument, "an unknown type"));
        }
        if (type.oid() == JSON || type.oid() == JSONB) {
            // Compat: StoneScript clients send JSON documents both inline and as encoded strings.
            return Optional.of(value.isTextual() ? value.textValue() : value.toString());
        }
        if (type.isArray()) {
            return Optional.of(value.isArray() ? arrayLiteral(value, type, argument) : scalarText(value, argument, type.sqlName()));
        }
        if (type.isComposite()) {
            return Optional.of(value.isObject() ? recordLiteral(value, type, argument) : scalarText(value, argument, type.sqlName()));
        }
        if (type.oid() == BYTEA && value.isTextual()) {
            return Optional.of(bytea(value.textValue(), argument));
        }
        if (type.category() == 'S' && value.isContainerNode()) {
            return Optional.of(value.toString()); // a JSON document into a text parameter: keep it as JSON text
        }
        return Optional.of(scalarText(value, argument, type.sqlName()));
    }

    private String scalarText(JsonNode value, String argument, String typeName) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "true" : "false";
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isNumber()) {
            return value.decimalValue().toPlainString();
        }
        throw invalid(argument, "expects " + typeName + ", got a JSON " + (value.isArray() ? "array" : "object"));
    }

    private String arrayLiteral(JsonNode array, PgType type, String argument) {
        StringBuilder sb = new StringBuilder("{");
        Iterator<JsonNode> it = array.elements();
        while (it.hasNext()) {
            JsonNode element = it.next();
            if (element.isArray()) {
                sb.append(arrayLiteral(element, type, argument)); // a multi-dimensional array
            } else {
                Optional<String> text = encode(element, type.element(), argument);
                sb.append(text.map(ParamEncoder::quote).orElse("NULL"));
            }
            if (it.hasNext()) {
                sb.append(type.delimiterOf(types));
            }
        }
        return sb.append('}').toString();
    }

    private String recordLiteral(JsonNode object, PgType type, String argument) {
        List<String> known = type.attributes().stream().map(PgType.Attribute::name).toList();
        List<String> unknown = new ArrayList<>();
        object.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw invalid(argument, "has no field(s) " + unknown + "; " + type.sqlName() + " has " + known);
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < type.attributes().size(); i++) {
            PgType.Attribute attribute = type.attributes().get(i);
            encode(object.get(attribute.name()), attribute.type(), argument + "." + attribute.name())
                    .ifPresent(text -> sb.append(quote(text)));
            if (i < type.attributes().size() - 1) {
                sb.append(',');
            }
        }
        return sb.append(')').toString();
    }

    /** Quoted element: valid in array and record literals for every element type. */
    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** bytea arrives as base64 (what Cairn returns), or PostgreSQL's own hex form {@code \x0102}. */
    private static String bytea(String text, String argument) {
        if (text.startsWith("\\x")) {
            return text;
        }
        try {
            return "\\x" + HexFormat.of().formatHex(Base64.getDecoder().decode(text.strip()));
        } catch (IllegalArgumentException e) {
            throw invalid(argument, "expects bytea as base64 (or \\x hex), and this is neither");
        }
    }

    static CairnException invalid(String argument, String why) {
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "parameter " + argument + " " + why)
                .with("parameter", argument));
    }

}
