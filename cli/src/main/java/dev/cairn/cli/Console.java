package dev.cairn.cli;

import java.io.PrintStream;
import java.util.Map;

/**
 * Where a run writes and how: stdout, stderr, the environment, whether stdout is a terminal (a
 * progress bar redrawn in place) and whether to colour (a terminal, and {@code NO_COLOR} unset).
 */
record Console(PrintStream out, PrintStream err, Map<String, String> env, boolean terminal, boolean colour) {

    private static final String RESET = "\u001b[0m";

    static Console of(PrintStream out, PrintStream err, Map<String, String> env) {
        return of(out, err, env, out == System.out && stdoutIsTerminal() && !"dumb".equals(env.get("TERM")));
    }

    /** NO_COLOR: "when present and not an empty string" (no-color.org). */
    static Console of(PrintStream out, PrintStream err, Map<String, String> env, boolean terminal) {
        return new Console(out, err, env, terminal, terminal && env.getOrDefault("NO_COLOR", "").isEmpty());
    }

    String green(String text) {
        return paint("\u001b[32m", text);
    }

    String red(String text) {
        return paint("\u001b[31m", text);
    }

    String yellow(String text) {
        return paint("\u001b[33m", text);
    }

    String bold(String text) {
        return paint("\u001b[1m", text);
    }

    private String paint(String code, String text) {
        return colour ? code + text + RESET : text;
    }

    /**
     * Since JDK 22 {@code System.console()} exists even when the streams are redirected, and only
     * {@code Console.isTerminal()} tells; the module targets 21, where that method is missing and a
     * console exists only on a terminal, hence the one reflective look-up.
     */
    private static boolean stdoutIsTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
