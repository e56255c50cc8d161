package dev.cairn.cli;

import picocli.CommandLine.Option;

/** {@code --json} or {@code --output json}: the server's JSON instead of tables and bars. */
final class OutputOptions {

    enum Format { text, json }

    @Option(names = "--json", description = "print the server's JSON (for machines)")
    private boolean json;

    @Option(names = "--output", paramLabel = "FORMAT", description = "text (default) or json")
    private Format output = Format.text;

    boolean json() {
        return json || output == Format.json;
    }
}
