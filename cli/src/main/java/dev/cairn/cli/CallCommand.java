package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn call FUNCTION [ARGS...] --platform P}: {@code POST /call}, rows as a table. */
@Command(name = "call", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Call a stored function in a tenant's database (the main one without --tenant).",
            "ARGS that parse as JSON numbers, booleans, null, arrays or objects are sent as such, others as"
                + " strings; --json sends a whole JSON array (positional) or object (named parameters)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exit.L0, Exit.L2, Exit.L4, Exit.L5})
final class CallCommand implements Callable<Integer>, Cli.Machine {

    @Parameters(index = "0", paramLabel = "FUNCTION")
    private String function;

    @Parameters(index = "1..*", paramLabel = "ARGS")
    private List<String> args = new ArrayList<>();

    @Option(names = "--platform", required = true, paramLabel = "PLATFORM")
    private String platform;

    @Option(names = "--tenant", paramLabel = "TENANT")
    private String tenant;

    @Option(names = "--json", paramLabel = "JSON", description = "the parameters as '[...]' or '{...}'")
    private String params;

    @Option(names = "--output", paramLabel = "FORMAT", description = "table (default) or json")
    private String output = "table";

    @Spec
    private CommandLine.Model.CommandSpec spec;

    private final Cli root;

    CallCommand(Cli root) {
        this.root = root;
    }

    @Override
    public boolean json() {
        return output.equals("json");
    }

    @Override
    public Integer call() {
        if (!output.equals("json") && !output.equals("table")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--output must be table or json");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        if (tenant != null) {
            body.put("tenant_id", tenant);
        }
        body.put("function", function);
        body.put("params", params());
        JsonNode reply = root.api().postJson("/call", body).json();
        Console c = root.console();
        if (json()) {
            c.out().println(reply.toString());
            return Exit.OK;
        }
        List<JsonNode> rows = Json.list(reply, "rows");
        if (!rows.isEmpty()) {
            c.out().print(table(rows).render(c));
        }
        c.out().println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
        return Exit.OK;
    }

    private JsonNode params() {
        if (params != null && !args.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give the parameters either as ARGS or with --json, not both");
        }
        if (params != null) {
            JsonNode parsed = Json.parse(params).filter(n -> n.isArray() || n.isObject()).orElseThrow(() ->
                    new CommandLine.ParameterException(spec.commandLine(),
                            "--json must be a JSON array '[...]' or object '{...}', got: " + params));
            return parsed;
        }
        var array = JsonNodeFactory.instance.arrayNode();
        args.forEach(a -> array.add(argument(a)));
        return array;
    }

    /** {@code 42}, {@code true}, {@code null}, {@code [1,2]}, {@code {"a":1}} as JSON; anything else as a string. */
    static JsonNode argument(String raw) {
        return Json.parse(raw).filter(n -> n.isNumber() || n.isBoolean() || n.isNull() || n.isArray() || n.isObject())
                .orElseGet(() -> JsonNodeFactory.instance.textNode(raw));
    }

    private static Table table(List<JsonNode> rows) {
        LinkedHashSet<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> r.fieldNames().forEachRemaining(columns::add));
        Table t = new Table(List.copyOf(columns));
        for (JsonNode r : rows) {
            t.row(columns.stream().map(col -> Json.cell(r.get(col))).toList());
        }
        return t;
    }
}
