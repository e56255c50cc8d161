package dev.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The client as a user sees it: a child {@code java} under util-linux {@code script}, whose
 * stdout is a pseudo-terminal, so the client draws its progress bar in place with {@code \r}.
 */
@ExtendWith(SharedServer.class)
class ProgressTerminalTest {

    private static ServerProcess server;

    @BeforeAll
    static void start(ServerProcess shared) {
        server = shared;
    }

    @Test
    void a_fleet_migrate_on_a_terminal_draws_a_bar_in_place_and_ends_with_the_summary() throws Exception {
        String p = server.platform();
        assertThat(Run.against(server, "register", p, Run.notesCopy().toString()).exit()).isZero();
        for (int i = 1; i <= 5; i++) {
            assertThat(Run.against(server, "tenants", "create", p, "t" + i).exit()).isZero();
        }
        Path edited = Run.notesCopy();
        Run.write(edited.resolve("postgresql/functions/count.sql"),
                "CREATE OR REPLACE FUNCTION note_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM notes $$;\n");

        String output = underTerminal(List.of(ServerProcess.java(), "-cp", System.getProperty("java.class.path"),
                "dev.cairn.cli.Cli", "migrate", p, edited.toString(), "--url", server.url()));

        assertThat(output).contains("\r[").contains("[##############################] 6/6  failed 0");
        List<String> lines = output.lines().map(l -> l.replace("\r", "").strip()).filter(l -> !l.isEmpty()).toList();
        assertThat(lines.get(lines.size() - 1))
                .matches("done in [0-9.]+m?s \\(schema main\\): 6 changed, 0 unchanged, 0 failed, 0 skipped of 6 database\\(s\\), job [0-9a-f-]+");
        assertThat(output).doesNotContain("progress: ").doesNotContain("\u001b[");
    }

    /** Runs the command with a pseudo-terminal as stdout; answers what the terminal showed. */
    private static String underTerminal(List<String> command) throws IOException, InterruptedException {
        String quoted = String.join(" ", command.stream().map(ProgressTerminalTest::shellQuote).toList());
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", quoted, "/dev/null").redirectErrorStream(true);
        pb.environment().put("NO_COLOR", "1");
        pb.environment().put("TERM", "xterm");
        Process process = pb.start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        return text;
    }

    private static String shellQuote(String arg) {
        return "'" + arg.replace("'", "'\"'\"'") + "'";
    }
}
