package dev.cairn.sql;

import java.util.Arrays;

/**
 * Maps offsets to 1-based line numbers. A line ends at {@code \n}, at {@code \r\n} (one break,
 * not two) or at a lone {@code \r}, so LF, CRLF and old Mac files all number lines the way an
 * editor shows them.
 */
final class LineMap {

    /** Offsets at which lines start, ascending; {@code starts[0] == 0}. */
    private final int[] starts;
    private final int count;

    private LineMap(int[] starts, int count) {
        this.starts = starts;
        this.count = count;
    }

    static LineMap of(String s) {
        int[] starts = new int[16];
        int count = 1;
        for (int i = 0; i < s.length(); i++) {
            if (isBreak(s, i)) {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = i + 1;
            }
        }
        return new LineMap(starts, count);
    }

    int lineOf(int offset) {
        int found = Arrays.binarySearch(starts, 0, count, offset);
        return found >= 0 ? found + 1 : -found - 1;
    }

    /** Number of line breaks that end in {@code [from, to)}. */
    static int breaks(CharSequence s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (isBreak(s, i)) {
                n++;
            }
        }
        return n;
    }

    /** True when the char at {@code i} ends a line ({@code \r} of a CRLF pair does not). */
    private static boolean isBreak(CharSequence s, int i) {
        char c = s.charAt(i);
        return c == '\n' || (c == '\r' && (i + 1 == s.length() || s.charAt(i + 1) != '\n'));
    }
}
