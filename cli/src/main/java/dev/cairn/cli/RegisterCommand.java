package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn register PLATFORM DIR|FILE [--tenant T]}: {@code POST /register}. */
@Command(name = "register", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Create the platform's main database (or a tenant's, with --tenant) from a bundle.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exit.L0, Exit.L1, Exit.L2, Exit.L4, Exit.L5})
final class RegisterCommand implements Callable<Integer>, Cli.Machine {

    @Parameters(index = "0", paramLabel = "PLATFORM")
    private String platform;

    @Parameters(index = "1", paramLabel = "DIR|FILE", description = "a bundle folder (packed in memory) or a .tar.gz")
    private Path bundle;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "register a tenant database instead of main")
    private String tenant;

    @Mixin
    private OutputOptions output;

    private final Cli root;

    RegisterCommand(Cli root) {
        this.root = root;
    }

    @Override
    public boolean json() {
        return output.json();
    }

    @Override
    public Integer call() {
        Source source = Source.of(bundle);
        Form form = new Form().field("platform", platform);
        if (tenant != null) {
            form.field("tenant_id", tenant);
        }
        form.file("schema", source.fileName(), source.archive());
        JsonNode body = root.api().postForm("/register", form).json();
        Console c = root.console();
        if (json()) {
            c.out().println(body.toString());
            return Exit.OK;
        }
        c.out().println(c.green("registered " + Json.text(body, "database")) + " (schema " + Json.text(body, "schema_name")
                + " v" + Json.text(body, "schema_version") + ", " + Durations.format(java.time.Duration.ofMillis(
                Json.number(body, "execution_time_ms"))) + (body.path("from_template").asBoolean() ? ", from template" : "")
                + ")");
        c.out().println("  " + Json.number(body, "tables_created") + " table(s), "
                + Json.number(body, "migrations_applied") + " migration(s) applied, "
                + Json.number(body, "functions_deployed") + " function(s), "
                + Json.number(body, "views_created") + " view(s), "
                + Json.number(body, "types_deployed") + " type(s), "
                + Json.number(body, "extensions_installed") + " extension(s)");
        for (JsonNode s : Json.list(body, "seeders")) {
            c.out().println("  seeded " + Json.text(s, "table") + ": " + Json.number(s, "inserted") + " inserted, "
                    + Json.number(s, "skipped") + " skipped");
        }
        return Exit.OK;
    }
}
