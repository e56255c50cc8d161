package dev.cairn.cli;

import java.time.Duration;
import java.util.Locale;

/**
 * How far a job is, drawn as a bar redrawn in place on a terminal or as plain lines elsewhere:
 * done/total, failed count, databases per second, and the time left at that rate.
 */
final class Progress {

    private static final int BAR_WIDTH = 30;
    private static final long LINE_INTERVAL_NANOS = 1_000_000_000L;
    private static final long REDRAW_INTERVAL_NANOS = 100_000_000L;

    private final Console console;
    private final long started = System.nanoTime();
    private long lastDrawn;
    private boolean drawn;
    private int lastWidth;

    Progress(Console console) {
        this.console = console;
    }

    /** Draws unless drawn very recently (10 per second on a terminal, once a second elsewhere). */
    void update(long done, long total, long failed) {
        long now = System.nanoTime();
        long interval = console.terminal() ? REDRAW_INTERVAL_NANOS : LINE_INTERVAL_NANOS;
        if (drawn && now - lastDrawn < interval) {
            return;
        }
        draw(done, total, failed, now);
    }

    /** The last state, always drawn, and the line ended. */
    void finish(long done, long total, long failed) {
        draw(done, total, failed, System.nanoTime());
        if (console.terminal()) {
            console.out().print('\n');
            console.out().flush();
        }
    }

    private void draw(long done, long total, long failed, long now) {
        lastDrawn = now;
        drawn = true;
        String text = line(done, total, failed, Duration.ofNanos(now - started));
        if (console.terminal()) {
            // Pad over the previous line: the new one may be shorter (the ETA shrinks).
            String padded = text + " ".repeat(Math.max(0, lastWidth - text.length()));
            lastWidth = text.length();
            console.out().print("\r" + paint(padded, failed));
        } else {
            console.out().println("progress: " + text);
        }
        console.out().flush();
    }

    private String paint(String text, long failed) {
        return failed > 0 ? console.yellow(text) : text;
    }

    static String line(long done, long total, long failed, Duration elapsed) {
        double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-3);
        double rate = done / seconds;
        String eta = done == 0 || done >= total ? "--" : Durations.format(Duration.ofMillis(
                (long) ((total - done) / rate * 1000)));
        return String.format(Locale.ROOT, "%s %d/%d  failed %d  %.1f/s  ETA %s", bar(done, total), done, total,
                failed, rate, done >= total ? "0s" : eta);
    }

    static String bar(long done, long total) {
        int filled = total <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
        return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
    }
}
