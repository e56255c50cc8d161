package dev.cairn.dist;

/**
 * The entry point of {@code cairn.jar}: {@code serve} starts the gateway, anything else is a
 * client command. The client only ever talks HTTP; it shares this jar for convenience, not code.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("serve")) {
            dev.cairn.server.Main.main(args);
        } else {
            dev.cairn.cli.Cli.main(args);
        }
    }
}
