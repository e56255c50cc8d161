package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code cairn health}: {@code GET /health}; exit 0 only when the server says healthy. */
@Command(name = "health", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Ask the server how it is; exit 0 only when healthy.",
            "With --wait, waits for a server that is still starting (for container start scripts)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exit.L0, Exit.L2, "4:not healthy or an error", Exit.L5})
final class HealthCommand implements Callable<Integer>, Cli.Machine {

    @Mixin
    private OutputOptions output;

    private final Cli root;

    HealthCommand(Cli root) {
        this.root = root;
    }

    @Override
    public boolean json() {
        return output.json();
    }

    @Override
    public Integer call() {
        Api api = root.api();
        JsonNode body = api.get("/health").json();
        boolean healthy = Json.text(body, "status").equals("healthy");
        Console c = root.console();
        if (json()) {
            c.out().println(body.toString());
        } else {
            String status = Json.text(body, "status");
            c.out().println((healthy ? c.green(status) : c.red(status)) + ": " + api.base() + ", version "
                    + Json.text(body, "version") + ", postgres " + (body.path("postgres_connected").asBoolean()
                    ? "connected" : "NOT connected") + ", " + Json.number(body, "total_connections") + "/"
                    + Json.number(body, "max_connections") + " connections, " + Json.number(body, "active_pools")
                    + " pool(s), up " + Json.number(body, "uptime_seconds") + "s");
        }
        return healthy ? Exit.OK : Exit.SERVER;
    }
}
