package dev.cairn.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/**
 * The {@code Server-Timing} header every data face sends: how long parsing, routing, planning and
 * executing took, so a client (or a browser's network panel) sees where the time went.
 */
final class ServerTiming {

    private static final HeaderName HEADER = HeaderNames.create("Server-Timing");

    private ServerTiming() {
    }

    static void send(ServerResponse res, long parseNanos, long routeNanos, long planNanos, long executeNanos) {
        res.header(HEADER, new StringBuilder(96)
                .append("parse;dur=").append(ms(parseNanos))
                .append(", route;dur=").append(ms(routeNanos))
                .append(", plan;dur=").append(ms(planNanos))
                .append(", execute;dur=").append(ms(executeNanos)).toString());
    }

    /** Milliseconds with microsecond resolution, without String.format's cost on the hot path. */
    private static String ms(long nanos) {
        long micros = nanos / 1_000;
        String fraction = Long.toString(1_000 + micros % 1_000).substring(1);
        return micros / 1_000 + "." + fraction;
    }
}
