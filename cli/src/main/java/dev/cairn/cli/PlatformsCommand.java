package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cairn platforms}: {@code GET /platforms}. */
@Command(name = "platforms", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "List the platforms the server knows.")
final class PlatformsCommand implements Callable<Integer>, Cli.Machine {

    @Mixin
    private OutputOptions output;

    private final Cli root;

    PlatformsCommand(Cli root) {
        this.root = root;
    }

    @Override
    public boolean json() {
        return output.json();
    }

    @Override
    public Integer call() {
        JsonNode body = root.api().get("/platforms").json();
        return Table.printListing(root.console(), json(), body, "platforms",
                List.of("PLATFORM", "SCHEMAS", "DATABASES", "CREATED"), p -> List.of(Json.text(p, "name"),
                        Json.text(p, "schemas"), Json.text(p, "databases"), Json.text(p, "created_at")), "platform");
    }
}
