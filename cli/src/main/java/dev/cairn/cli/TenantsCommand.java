package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cairn tenants create|list|suspend|resume|delete}: the admin routes, with the admin token. */
@Command(name = "tenants", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Create, list, suspend, resume and delete tenant databases (admin token).",
        synopsisSubcommandLabel = "(create | list | suspend | resume | delete)")
final class TenantsCommand implements Runnable {

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "name a command: create, list, suspend, resume or delete");
    }

    @Command(name = "create", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "Create a tenant database from the platform's tenant schema (POST /admin/create-tenant).")
    static final class Create implements Callable<Integer>, Cli.Machine {

        @Parameters(index = "0", paramLabel = "PLATFORM")
        private String platform;

        @Parameters(index = "1", paramLabel = "TENANT")
        private String tenant;

        @Mixin
        private OutputOptions output;

        private final Cli root;

        Create(Cli root) {
            this.root = root;
        }

        @Override
        public boolean json() {
            return output.json();
        }

        @Override
        public Integer call() {
            JsonNode body = root.api().postJson("/admin/create-tenant", Map.of("platform", platform, "tenant_id", tenant))
                    .json();
            Console c = root.console();
            if (json()) {
                c.out().println(body.toString());
            } else {
                c.out().println(c.green("created " + Json.text(body, "database")) + " (schema "
                        + Json.text(body, "schema_name") + " v" + Json.text(body, "schema_version") + ", "
                        + Durations.format(Duration.ofMillis(Json.number(body, "execution_time_ms")))
                        + (body.path("from_template").asBoolean() ? ", from template" : "") + ")");
            }
            return Exit.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "List the platform's databases (GET /admin/databases).")
    static final class List implements Callable<Integer>, Cli.Machine {

        @Parameters(index = "0", paramLabel = "PLATFORM")
        private String platform;

        @Mixin
        private OutputOptions output;

        private final Cli root;

        List(Cli root) {
            this.root = root;
        }

        @Override
        public boolean json() {
            return output.json();
        }

        @Override
        public Integer call() {
            JsonNode body = root.api().get("/admin/databases?platform=" + Urls.encode(platform)).json();
            return Table.printListing(root.console(), json(), body, "databases",
                    java.util.List.of("DATABASE", "TYPE", "TENANT", "SCHEMA", "VERSION", "SIZE_MB", "CREATED", "STATE"),
                    d -> java.util.List.of(Json.text(d, "name"), Json.text(d, "type"), Json.text(d, "tenant_id"),
                            Json.text(d, "schema"), Json.text(d, "version"), Json.text(d, "size_mb"),
                            Json.text(d, "created_at"), d.path("suspended").asBoolean() ? "suspended" : "active"),
                    "database");
        }
    }

    /** One database's lifecycle step; the answer is {@code {database, status, suspended_at?}}. */
    abstract static class Step implements Callable<Integer>, Cli.Machine {

        @Parameters(index = "0", paramLabel = "DATABASE", description = "the database, e.g. shop_acme")
        String database;

        @Mixin
        private OutputOptions output;

        final Cli root;
        private final String action;

        /** {@code action}: what is posted to, below the database's path ({@code /suspend}, {@code /resume}). */
        Step(Cli root, String action) {
            this.root = root;
            this.action = action;
        }

        JsonNode send(Api api, String path) {
            return api.postJson(path + action, Map.of()).json();
        }

        @Override
        public boolean json() {
            return output.json();
        }

        @Override
        public Integer call() {
            JsonNode body = send(root.api(), "/admin/databases/" + Urls.encode(database));
            Console c = root.console();
            c.out().println(json() ? body.toString()
                    : c.green(Json.text(body, "database") + " " + Json.text(body, "status")));
            return Exit.OK;
        }
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "Suspend a database: its /call and data requests answer 423 until it is resumed.")
    static final class Suspend extends Step {
        Suspend(Cli root) {
            super(root, "/suspend");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "Resume a suspended database.")
    static final class Resume extends Step {
        Resume(Cli root) {
            super(root, "/resume");
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "Delete a tenant database for good (its data, record and grants); --confirm repeats its name.")
    static final class Delete extends Step {

        @picocli.CommandLine.Option(names = "--confirm", required = true, paramLabel = "DATABASE",
                description = "the database's name again")
        private String confirm;

        Delete(Cli root) {
            super(root, "");
        }

        @Override
        JsonNode send(Api api, String path) {
            return api.deleteJson(path, Map.of("confirm", confirm)).json();
        }
    }
}
