package dev.cairn.cli;

/** The exit codes of {@code cairn}, stable for scripts; {@code --help} and docs/cli.md list them. */
final class Exit {

    static final int OK = 0;
    /** A local problem: the bundle is invalid, a file cannot be read or written. */
    static final int LOCAL = 1;
    /** picocli's code for a usage error. */
    static final int USAGE = 2;
    /** The server refused a change that could lose data: {@code 409 schema_change_blocked}. */
    static final int BLOCKED = 3;
    /** Any other server error (a non-2xx answer, a failed database in a fleet, an unhealthy server). */
    static final int SERVER = 4;
    /** The server could not be reached (after {@code --wait} ran out). */
    static final int UNREACHABLE = 5;

    // The --help list; annotation values must be constants, so one string per line.
    static final String L0 = "0:ok";
    static final String L1 = "1:local error (invalid bundle, unreadable file)";
    static final String L2 = "2:usage error";
    static final String L3 = "3:blocked change (409 schema_change_blocked)";
    static final String L4 = "4:other server error (non-2xx, failed databases, unhealthy)";
    static final String L5 = "5:server unreachable (after --wait ran out)";

    private Exit() {
    }
}
