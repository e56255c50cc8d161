package dev.cairn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code cairn}: the command-line client of a Cairn server, for start-up scripts, CI and people.
 * It speaks HTTP only. The global options are inherited, so they may come before or after the
 * command; each command object is built here by hand, with this root to reach the server through.
 */
@Command(name = "cairn", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Drive a Cairn server: bundle, register, migrate, call.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exit.L0, Exit.L1, Exit.L2, Exit.L3, Exit.L4, Exit.L5},
        footerHeading = "%nEnvironment:%n",
        footer = {"  CAIRN_URL    server URL (default http://127.0.0.1:9000)",
            "  CAIRN_TOKEN  bearer token (admin or platform token)",
            "  NO_COLOR     no colours even on a terminal"})
public final class Cli implements Runnable {

    static final String DEFAULT_URL = "http://127.0.0.1:9000";

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Cairn server (default: $CAIRN_URL, else " + DEFAULT_URL + ")")
    private String url;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "bearer token sent as Authorization (default: $CAIRN_TOKEN)")
    private String token;

    @Option(names = "--wait", scope = ScopeType.INHERIT, paramLabel = "DURATION", converter = Durations.class,
            description = "retry with backoff while the server is unreachable or answers 503, e.g. 60s, 2m")
    private Duration wait = Duration.ZERO;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    private final Console console;

    private Cli(Console console) {
        this.console = console;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs one command line and answers its exit code; never calls {@code System.exit}. */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        Console console = Console.of(out, err, env);
        CommandLine cl = commandLine(new Cli(console));
        cl.setUsageHelpWidth(100);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((e, line, parsed) -> failed(e, line, console));
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static CommandLine commandLine(Cli root) {
        CommandLine cl = new CommandLine(root);
        cl.addSubcommand(new BundleCommand(root));
        cl.addSubcommand(new RegisterCommand(root));
        cl.addSubcommand(new MigrateCommand(root));
        CommandLine call = new CommandLine(new CallCommand(root));
        // Positional arguments such as -5 are values here, not unknown options.
        call.setUnmatchedOptionsArePositionalParams(true);
        cl.addSubcommand(call);
        cl.addSubcommand(new CommandLine(new TenantsCommand())
                .addSubcommand(new TenantsCommand.Create(root)).addSubcommand(new TenantsCommand.List(root))
                .addSubcommand(new TenantsCommand.Suspend(root)).addSubcommand(new TenantsCommand.Resume(root))
                .addSubcommand(new TenantsCommand.Delete(root)));
        cl.addSubcommand(new PlatformsCommand(root));
        cl.addSubcommand(new CommandLine(new SchemasCommand())
                .addSubcommand(new SchemasCommand.Upload(root)).addSubcommand(new SchemasCommand.List(root)));
        cl.addSubcommand(new CommandLine(new JobsCommand()).addSubcommand(new JobsCommand.Watch(root)));
        cl.addSubcommand(new HealthCommand(root));
        return cl;
    }

    private static int failed(Exception e, CommandLine line, Console console) {
        if (!(e instanceof CliException ce)) {
            console.err().println("cairn: unexpected error: " + e);
            return Exit.LOCAL;
        }
        if (line.getCommand() instanceof Machine m && m.json()) {
            ce.body().ifPresent(body -> console.out().println(body.toString()));
        }
        console.err().println(console.red(ce.getMessage()));
        ce.body().filter(b -> b.has("blocked")).ifPresent(b -> console.err().print(
                "blocked changes:\n" + Plans.table(Json.list(b, "blocked")).render(console)));
        return ce.exitCode();
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command (see cairn --help)");
    }

    Console console() {
        return console;
    }

    Api api() {
        String base = Optional.ofNullable(url).or(() -> env("CAIRN_URL")).orElse(DEFAULT_URL);
        Optional<String> bearer = Optional.ofNullable(token).or(() -> env("CAIRN_TOKEN"));
        return new Api(base, bearer, wait);
    }

    private Optional<String> env(String name) {
        return Optional.ofNullable(console.env().get(name)).filter(v -> !v.isBlank());
    }

    /** A command whose output can be the server's JSON ({@code --json}); its errors then print the body too. */
    interface Machine {
        boolean json();
    }

    /** {@code --version}: the Maven project version, filtered into a resource at build time. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties p = new Properties();
            try (InputStream in = Cli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // no version resource: report it as unknown
            }
            return new String[] {"cairn " + p.getProperty("version", "unknown")};
        }
    }
}
