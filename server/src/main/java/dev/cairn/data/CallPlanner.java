package dev.cairn.data;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.catalog.Catalog;
import dev.cairn.catalog.PgType;
import dev.cairn.catalog.Routine;
import dev.cairn.codec.ParamEncoder;
import dev.cairn.codec.ValueWriters;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.sql.Identifiers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a call against the catalog: finds the routine (overloads by argument count or names),
 * renders the SQL with a typed parameter per argument ({@code ?::type}, pgjdbc's placeholder)
 * and encodes the values. The function name
 * is only ever a lookup key: what reaches SQL is the catalog's own name, quoted.
 */
final class CallPlanner {

    private static final char PSEUDO_TYPE = 'p';

    private CallPlanner() {
    }

    static Query plan(Catalog catalog, String function, JsonNode params) {
        List<Routine> candidates = candidates(catalog, function);
        Args args = Args.of(params);
        Routine routine = choose(catalog, function, candidates, args);
        if (!routine.procedure() && !routine.returnsVoid() && routine.columns().isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, routine.describe(catalog.types())
                    + " returns an anonymous record: give it OUT parameters or RETURNS TABLE (...) to call it")
                    .with("function", function));
        }
        List<Routine.Argument> bound = args.boundArguments(routine, catalog);
        ParamEncoder encoder = new ParamEncoder(catalog.types());
        List<Optional<String>> values = new ArrayList<>(bound.size());
        for (int i = 0; i < bound.size(); i++) {
            values.add(encoder.encode(args.value(bound.get(i), i), bound.get(i).type(), label(bound.get(i), i)));
        }
        PlanCache cache = catalog.cache(PlanCache.KEY, PlanCache::new);
        String sql = cache.sql.computeIfAbsent(routine.oid() + "|" + args.shape(routine),
                k -> render(catalog, routine, args, bound));
        List<ValueWriters.ValueWriter> writers = cache.writers.computeIfAbsent(routine.oid(), oid -> writers(catalog, routine));
        return new Query(sql, values, writers, mode(routine), new Query.Subject("function", routine.name()),
                !routine.readOnly());
    }

    /** What the routine promises: nothing to read, one result, or a set that does or does not write. */
    private static Query.Mode mode(Routine routine) {
        if (routine.returnsVoid()) {
            return Query.Mode.NO_RESULT;
        }
        if (!routine.returnsSet()) {
            return Query.Mode.SINGLE;
        }
        return routine.readOnly() ? Query.Mode.READ_SET : Query.Mode.WRITE_SET;
    }

    private static List<Routine> candidates(Catalog catalog, String function) {
        if (function == null || function.isBlank() || function.length() > 130 || function.indexOf('\0') >= 0) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                    "function must be a function name, optionally schema-qualified (schema.name)").with("field", "function"));
        }
        int dot = function.indexOf('.');
        String schema = dot < 0 ? "public" : function.substring(0, dot);
        String name = dot < 0 ? function : function.substring(dot + 1);
        List<Routine> found = catalog.routines(schema, name);
        if (found.isEmpty()) {
            found = catalog.routines(schema.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
        }
        return found;
    }

    private static Routine choose(Catalog catalog, String function, List<Routine> candidates, Args args) {
        if (candidates.isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.FUNCTION_NOT_FOUND,
                    "function " + function + " does not exist in database " + catalog.database())
                    .with("database", catalog.database()).with("function", function));
        }
        List<Routine> matching = candidates.stream().filter(args::fits).toList();
        if (matching.size() == 1) {
            return matching.get(0);
        }
        List<String> signatures = candidates.stream().map(r -> r.describe(catalog.types())).sorted().toList();
        if (matching.isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                            "no version of " + function + " takes " + args.describe() + "; it has " + String.join(", ", signatures))
                    .with("function", function).with("candidates", signatures));
        }
        throw new CairnException(Problem.of(ErrorCode.AMBIGUOUS_FUNCTION,
                        "the call of " + function + " with " + args.describe() + " matches several versions: "
                                + String.join(", ", signatures) + "; pass named arguments to choose one")
                .with("function", function).with("candidates", signatures));
    }

    private static String label(Routine.Argument argument, int index) {
        return argument.name().isEmpty() ? "$" + (index + 1) : argument.name();
    }

    private static String render(Catalog catalog, Routine routine, Args args, List<Routine.Argument> bound) {
        List<String> parts = new ArrayList<>();
        if (routine.procedure()) {
            int input = 0;
            for (Routine.Argument argument : routine.arguments()) {
                if (argument.mode() == Routine.Mode.OUT) {
                    parts.add(args.prefix(argument) + "NULL" + cast(catalog, argument.type()));
                } else if (args.binds(argument, input++)) {
                    parts.add(args.prefix(argument) + "?" + cast(catalog, argument.type()));
                }
            }
        } else {
            for (Routine.Argument argument : bound) {
                String variadic = argument.mode() == Routine.Mode.VARIADIC ? "VARIADIC " : "";
                parts.add(args.prefix(argument) + variadic + "?" + cast(catalog, argument.type()));
            }
        }
        String target = Identifiers.quote(routine.schema(), routine.name()) + "(" + String.join(", ", parts) + ")";
        if (routine.procedure()) {
            return "CALL " + target;
        }
        return routine.returnsVoid() ? "SELECT " + target : "SELECT * FROM " + target;
    }

    /** An explicit cast to the declared type picks the overload and parses the text; none for pseudo-types. */
    private static String cast(Catalog catalog, long type) {
        return catalog.types().find(type)
                .filter(t -> t.typtype() != PSEUDO_TYPE)
                .map(PgType::sqlName)
                .map(name -> "::" + name)
                .orElse("");
    }

    /** The JSON writers of a routine's result columns. */
    private static List<ValueWriters.ValueWriter> writers(Catalog catalog, Routine routine) {
        ValueWriters writers = new ValueWriters(catalog.types());
        return routine.columns().stream().map(c -> writers.forType(c.type())).toList();
    }

    /**
     * What planning calls derives from one catalog, kept as long as the catalog: the SQL of each call
     * shape (rendered once; pgjdbc then prepares it server-side) and each routine's JSON writers.
     */
    private static final class PlanCache {
        static final Catalog.Key<PlanCache> KEY = new Catalog.Key<>("call plans");

        final Map<String, String> sql = new ConcurrentHashMap<>();
        final Map<Long, List<ValueWriters.ValueWriter>> writers = new ConcurrentHashMap<>();
    }

    /** The arguments of a call: positional (a JSON array) or named (a JSON object). */
    private record Args(List<JsonNode> positional, Map<String, JsonNode> named, boolean isNamed) {

        static Args of(JsonNode params) {
            if (params == null || params.isNull() || params.isMissingNode()) {
                return new Args(List.of(), Map.of(), false);
            }
            if (params.isArray()) {
                List<JsonNode> values = new ArrayList<>();
                params.elements().forEachRemaining(values::add);
                return new Args(values, Map.of(), false);
            }
            if (params.isObject()) {
                Map<String, JsonNode> values = new LinkedHashMap<>();
                params.properties().forEach(e -> values.put(e.getKey(), e.getValue()));
                return new Args(List.of(), values, true);
            }
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                    "params must be an array (positional arguments) or an object (named arguments)")
                    .with("field", "params"));
        }

        boolean fits(Routine r) {
            List<Routine.Argument> inputs = r.inputs();
            if (!isNamed) {
                int n = positional.size();
                return n >= r.requiredInputs() && (n <= inputs.size() || r.variadic());
            }
            List<String> names = inputs.stream().map(Routine.Argument::name).toList();
            if (!names.containsAll(named.keySet())) {
                return false;
            }
            return names.subList(0, r.requiredInputs()).stream().allMatch(named::containsKey);
        }

        /**
         * The declared input arguments that receive a value, in the order values are bound. A
         * variadic function called with its last argument as a JSON array gets the array
         * ({@code VARIADIC ?}); called with loose values, each extra value is one element.
         */
        List<Routine.Argument> boundArguments(Routine r, Catalog catalog) {
            if (isNamed) {
                return r.inputs().stream().filter(a -> named.containsKey(a.name())).toList();
            }
            List<Routine.Argument> inputs = r.inputs();
            if (!spreads(r)) {
                return inputs.subList(0, positional.size());
            }
            Routine.Argument variadic = inputs.get(inputs.size() - 1);
            long element = catalog.types().find(variadic.type()).map(PgType::element).orElse(0L);
            List<Routine.Argument> bound = new ArrayList<>(inputs.subList(0, inputs.size() - 1));
            while (bound.size() < positional.size()) {
                bound.add(new Routine.Argument(variadic.name(), element, Routine.Mode.IN));
            }
            return bound;
        }

        /** Loose values for a variadic parameter, rather than one array. */
        boolean spreads(Routine r) {
            int n = positional.size();
            int inputs = r.inputs().size();
            return r.variadic() && !isNamed && n >= inputs - 1
                    && !(n == inputs && positional.get(n - 1).isArray());
        }

        /** Whether the {@code input}-th input argument receives a value in this call. */
        boolean binds(Routine.Argument argument, int input) {
            return isNamed ? named.containsKey(argument.name()) : input < positional.size();
        }

        JsonNode value(Routine.Argument argument, int index) {
            return isNamed ? named.get(argument.name()) : positional.get(index);
        }

        String prefix(Routine.Argument argument) {
            return isNamed ? Identifiers.quote(argument.name()) + " => " : "";
        }

        String shape(Routine r) {
            return isNamed ? "named:" + String.join(",", named.keySet())
                    : "positional:" + positional.size() + (spreads(r) ? ":spread" : "");
        }

        String describe() {
            return isNamed ? "arguments " + named.keySet() : positional.size() + " argument(s)";
        }
    }
}
