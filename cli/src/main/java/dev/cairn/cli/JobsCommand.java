package dev.cairn.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code cairn jobs watch JOB_ID}: follow a fleet job as {@code migrate} does. */
@Command(name = "jobs", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Follow fleet migration jobs.",
        synopsisSubcommandLabel = "watch")
final class JobsCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: watch");
    }

    @Command(name = "watch", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
            description = "Follow a job live (progress bar on a terminal) until it ends, then summarize it.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exit.L0, Exit.L2, Exit.L3, Exit.L4, Exit.L5})
    static final class Watch implements Callable<Integer>, Cli.Machine {

        @Parameters(index = "0", paramLabel = "JOB_ID")
        private String jobId;

        @Mixin
        private OutputOptions output;

        private final Cli root;

        Watch(Cli root) {
            this.root = root;
        }

        @Override
        public boolean json() {
            return output.json();
        }

        @Override
        public Integer call() {
            JobFollower follower = new JobFollower(root.api(), root.console(), json());
            JobFollower.Outcome outcome = follower.follow(Urls.encode(jobId));
            if (!json()) {
                follower.summary(outcome, Optional.empty());
            }
            return outcome.exitCode();
        }
    }
}
