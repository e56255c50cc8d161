package dev.cairn.graphql;

import dev.cairn.catalog.PgType;
import dev.cairn.catalog.Types;
import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.ArrayValue;
import graphql.language.BooleanValue;
import graphql.language.EnumValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.NullValue;
import graphql.language.ObjectField;
import graphql.language.ObjectValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL types as GraphQL scalars, rendered exactly as the data API renders them (the value in
 * a row is PostgreSQL's JSON, passed through): {@code BigInt} and {@code Decimal} as JSON numbers
 * with every digit kept, {@code JSON} inline, {@code UUID}, {@code DateTime} (ISO-8601) and
 * {@code Date} as strings. Inputs are handed to the data API's own checks by column type, so a
 * scalar here accepts what JSON can carry and the codec decides.
 */
final class PgScalars {

    static final GraphQLScalarType BIG_INT = passThrough("BigInt",
            "A 64-bit integer (bigint), as a JSON number with every digit");
    static final GraphQLScalarType DECIMAL = passThrough("Decimal",
            "An exact numeric, as a JSON number with every digit PostgreSQL stores (NaN and infinities as strings)");
    static final GraphQLScalarType JSON = passThrough("JSON", "Any JSON value (json, jsonb, composite types)");
    static final GraphQLScalarType UUID = passThrough("UUID", "A UUID as its canonical string");
    static final GraphQLScalarType DATE_TIME = passThrough("DateTime",
            "A timestamp as ISO-8601 (with its offset for timestamptz)");
    static final GraphQLScalarType DATE = passThrough("Date", "A date as YYYY-MM-DD");

    private PgScalars() {
    }

    /** The GraphQL type of a PostgreSQL type (domains resolved, arrays as lists of their element). */
    static GraphQLType of(long oid, Types types) {
        return types.resolve(oid).map(t -> of(t, types)).orElse(graphql.Scalars.GraphQLString);
    }

    private static GraphQLType of(PgType type, Types types) {
        if (type.isArray()) {
            return GraphQLList.list(of(type.element(), types));
        }
        if (type.isComposite()) {
            return JSON;
        }
        return switch ((int) type.oid()) {
            case 16 -> graphql.Scalars.GraphQLBoolean;
            case 21, 23 -> graphql.Scalars.GraphQLInt;
            case 20, 26 -> BIG_INT;
            case 700, 701 -> graphql.Scalars.GraphQLFloat;
            case 1700 -> DECIMAL;
            case 114, 3802 -> JSON;
            case 2950 -> UUID;
            case 1114, 1184 -> DATE_TIME;
            case 1082 -> DATE;
            default -> graphql.Scalars.GraphQLString;
        };
    }

    /** The type, or its list, without the non-null wrapper: what a filter's operators compare with. */
    static GraphQLType nullable(GraphQLType type) {
        return type instanceof GraphQLNonNull n ? n.getWrappedType() : type;
    }

    private static GraphQLScalarType passThrough(String name, String description) {
        return GraphQLScalarType.newScalar().name(name).description(description).coercing(new PassThrough(name)).build();
    }

    /** Values go out as the row holds them and come in as JSON would carry them. */
    private record PassThrough(String name) implements Coercing<Object, Object> {

        @Override
        public Object serialize(Object value, GraphQLContext context, Locale locale) {
            return value;
        }

        @Override
        public Object parseValue(Object input, GraphQLContext context, Locale locale) {
            return input;
        }

        @Override
        public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
            return literal(input, variables);
        }

        /** A variable's value as a literal (graphql-java's normalized operations carry variables that way). */
        @Override
        public Value<?> valueToLiteral(Object input, GraphQLContext context, Locale locale) {
            return toLiteral(input);
        }

        private Value<?> toLiteral(Object input) {
            return switch (input) {
                case null -> NullValue.of();
                case String s -> StringValue.of(s);
                case Boolean b -> BooleanValue.of(b);
                case java.math.BigDecimal d -> FloatValue.newFloatValue(d).build();
                case Double d -> FloatValue.of(d);
                case Float f -> FloatValue.of(f.doubleValue());
                case java.math.BigInteger i -> IntValue.newIntValue(i).build();
                case Number n -> IntValue.newIntValue(java.math.BigInteger.valueOf(n.longValue())).build();
                case List<?> list -> ArrayValue.newArrayValue().values(list.stream().<Value>map(this::toLiteral).toList()).build();
                case Map<?, ?> map -> {
                    ObjectValue.Builder o = ObjectValue.newObjectValue();
                    map.forEach((k, v) -> o.objectField(new ObjectField(String.valueOf(k), toLiteral(v))));
                    yield o.build();
                }
                default -> StringValue.of(input.toString());
            };
        }

        private Object literal(Value<?> input, CoercedVariables variables) {
            return switch (input) {
                case StringValue s -> s.getValue();
                case IntValue i -> i.getValue();
                case FloatValue f -> f.getValue();
                case BooleanValue b -> b.isValue();
                case EnumValue e -> e.getName();
                case NullValue n -> null;
                case VariableReference v -> variables.get(v.getName());
                case ArrayValue a -> {
                    List<Object> list = new ArrayList<>();
                    a.getValues().forEach(v -> list.add(literal(v, variables)));
                    yield list;
                }
                case ObjectValue o -> {
                    Map<String, Object> map = new LinkedHashMap<>();
                    for (ObjectField f : o.getObjectFields()) {
                        map.put(f.getName(), literal(f.getValue(), variables));
                    }
                    yield map;
                }
                default -> throw new CoercingParseLiteralException(name + " cannot be " + input.getClass().getSimpleName());
            };
        }
    }
}
