package dev.cairn.catalog;

import java.util.List;

/**
 * A callable function or procedure of one database, as {@code pg_proc} describes it.
 *
 * @param arguments every declared argument in order, with its mode
 * @param defaults  how many trailing input arguments have defaults
 * @param columns   what {@code SELECT * FROM f(...)} (or {@code CALL p(...)}) returns, in order;
 *                  empty for a {@code void} function
 */
public record Routine(long oid, String schema, String name, boolean procedure, boolean returnsSet,
                      boolean returnsVoid, List<Argument> arguments, int defaults, List<Column> columns) {

    public Routine {
        arguments = List.copyOf(arguments);
        columns = List.copyOf(columns);
    }

    public enum Mode { IN, OUT, INOUT, VARIADIC, TABLE }

    public record Argument(String name, long type, Mode mode) {
        public boolean isInput() {
            return mode == Mode.IN || mode == Mode.INOUT || mode == Mode.VARIADIC;
        }
    }

    public record Column(String name, long type) {
    }

    public List<Argument> inputs() {
        return arguments.stream().filter(Argument::isInput).toList();
    }

    public int requiredInputs() {
        return inputs().size() - defaults;
    }

    public boolean variadic() {
        return arguments.stream().anyMatch(a -> a.mode() == Mode.VARIADIC);
    }

    /** {@code schema.name(type, type)} for messages. */
    public String describe(Types types) {
        return schema + "." + name + "(" + String.join(", ", inputs().stream()
                .map(a -> (a.name().isEmpty() ? "" : a.name() + " ")
                        + types.find(a.type()).map(PgType::sqlName).orElse("?"))
                .toList()) + ")";
    }
}
