package dev.cairn.catalog;

import java.util.List;

/**
 * A callable function or procedure of one database, as {@code pg_proc} describes it.
 *
 * @param arguments every declared argument in order, with its mode
 * @param defaults  how many trailing input arguments have defaults
 * @param columns   what {@code SELECT * FROM f(...)} (or {@code CALL p(...)}) returns, in order;
 *                  empty for a {@code void} function
 * @param readOnly  declared {@code STABLE} or {@code IMMUTABLE}: running it twice changes nothing
 * @param inputs    the arguments a caller passes (IN, INOUT, VARIADIC), derived once from {@code arguments}
 *                  because every call consults them
 */
public record Routine(long oid, String schema, String name, boolean procedure, boolean returnsSet,
                      boolean returnsVoid, List<Argument> arguments, int defaults, List<Column> columns,
                      boolean readOnly, List<Argument> inputs, boolean variadic) {

    public Routine {
        arguments = List.copyOf(arguments);
        columns = List.copyOf(columns);
        inputs = List.copyOf(inputs);
    }

    public static Routine of(long oid, String schema, String name, boolean procedure, boolean returnsSet,
                             boolean returnsVoid, List<Argument> arguments, int defaults, List<Column> columns,
                             boolean readOnly) {
        return new Routine(oid, schema, name, procedure, returnsSet, returnsVoid, arguments, defaults, columns,
                readOnly, arguments.stream().filter(Argument::isInput).toList(),
                arguments.stream().anyMatch(a -> a.mode() == Mode.VARIADIC));
    }

    public enum Mode { IN, OUT, INOUT, VARIADIC, TABLE }

    public record Argument(String name, long type, Mode mode) {
        public boolean isInput() {
            return mode == Mode.IN || mode == Mode.INOUT || mode == Mode.VARIADIC;
        }
    }

    public record Column(String name, long type) {
    }

    public int requiredInputs() {
        return inputs.size() - defaults;
    }

    /** {@code schema.name(type, type)} for messages. */
    public String describe(Types types) {
        return schema + "." + name + "(" + String.join(", ", inputs().stream()
                .map(a -> (a.name().isEmpty() ? "" : a.name() + " ")
                        + types.find(a.type()).map(PgType::sqlName).orElse("?"))
                .toList()) + ")";
    }
}
