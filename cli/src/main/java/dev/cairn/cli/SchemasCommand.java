package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn schemas upload|list}: the v2 registry of stored schema versions. */
@Command(name = "schemas", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Store and list a platform's schema versions.",
        synopsisSubcommandLabel = "(upload | list)")
final class SchemasCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: upload or list");
    }

    @Command(name = "upload", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "Store a bundle as the schema's next version (POST /platform/{p}/schema); known content is a no-op.")
    static final class Upload implements Callable<Integer>, Cli.Machine {

        @Parameters(index = "0", paramLabel = "PLATFORM")
        private String platform;

        @Parameters(index = "1", paramLabel = "DIR|FILE")
        private Path bundle;

        @Option(names = "--schema", paramLabel = "NAME", description = "schema_name (default: tenant)")
        private String schema = "tenant";

        @Mixin
        private OutputOptions output;

        private final Cli root;

        Upload(Cli root) {
            this.root = root;
        }

        @Override
        public boolean json() {
            return output.json();
        }

        @Override
        public Integer call() {
            Source source = Source.of(bundle);
            JsonNode body = root.api().postForm("/platform/" + Urls.encode(platform) + "/schema",
                    new Form().field("schema_name", schema).file("schema", source.fileName(), source.archive())).json();
            Console c = root.console();
            if (json()) {
                c.out().println(body.toString());
            } else {
                c.out().println((body.path("unchanged").asBoolean() ? "unchanged: " : c.green("stored: ")) + platform
                        + " schema " + schema + " v" + Json.text(body, "version") + ", checksum "
                        + MigrateCommand.abbreviated(Json.text(body, "checksum")));
            }
            return Exit.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "List the platform's schemas (GET /platform/{p}/schemas).")
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
            JsonNode body = root.api().get("/platform/" + Urls.encode(platform) + "/schemas").json();
            return Table.printListing(root.console(), json(), body, "schemas",
                    java.util.List.of("SCHEMA", "VERSION", "VERSIONS", "CHECKSUM", "UPLOADED"),
                    s -> java.util.List.of(Json.text(s, "name"), Json.text(s, "version"), Json.text(s, "versions"),
                            MigrateCommand.abbreviated(Json.text(s, "checksum")), Json.text(s, "uploaded_at")),
                    "schema");
        }
    }
}
