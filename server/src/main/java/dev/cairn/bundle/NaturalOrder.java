package dev.cairn.bundle;

import java.util.Comparator;

/**
 * Orders paths the way people number files: {@code 2_x} before {@code 10_y}. Migrations run in
 * this order, so it must be total and stable across machines (no locale, no case folding).
 *
 * <p>Paths compare segment by segment ({@code /}-separated), a parent's files and sub-folders
 * mixed by name; a path that is a prefix of another comes first. Within a segment, runs of ASCII
 * digits compare by numeric value (any length, no overflow) and other characters by their UTF-16
 * value, so upper case sorts before lower case. Equal numbers with different leading zeros
 * ({@code 1_a}, {@code 001_a}) are told apart last, shorter run first, so the order stays total:
 * it returns 0 only for equal strings.
 */
public final class NaturalOrder implements Comparator<String> {

    public static final NaturalOrder INSTANCE = new NaturalOrder();

    private NaturalOrder() {
    }

    @Override
    public int compare(String a, String b) {
        var left = a.split("/", -1);
        var right = b.split("/", -1);
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            int c = compareSegments(left[i], right[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    private static int compareSegments(String a, String b) {
        int i = 0;
        int j = 0;
        int leadingZeros = 0;
        while (i < a.length() && j < b.length()) {
            if (isDigit(a.charAt(i)) && isDigit(b.charAt(j))) {
                int endA = digitsEnd(a, i);
                int endB = digitsEnd(b, j);
                int c = compareNumbers(a, i, endA, b, j, endB);
                if (c != 0) {
                    return c;
                }
                if (leadingZeros == 0) {
                    leadingZeros = Integer.compare(endA - i, endB - j);
                }
                i = endA;
                j = endB;
            } else if (a.charAt(i) != b.charAt(j)) {
                return Character.compare(a.charAt(i), b.charAt(j));
            } else {
                i++;
                j++;
            }
        }
        int rest = Integer.compare(a.length() - i, b.length() - j);
        return rest != 0 ? rest : leadingZeros;
    }

    /** Numeric comparison of two digit runs, ignoring leading zeros. */
    private static int compareNumbers(String a, int startA, int endA, String b, int startB, int endB) {
        int digitsA = skipZeros(a, startA, endA);
        int digitsB = skipZeros(b, startB, endB);
        // Without leading zeros, more digits means a bigger number; equal lengths compare digit by digit.
        if (endA - digitsA != endB - digitsB) {
            return Integer.compare(endA - digitsA, endB - digitsB);
        }
        for (int k = 0; k < endA - digitsA; k++) {
            int c = Character.compare(a.charAt(digitsA + k), b.charAt(digitsB + k));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int skipZeros(String s, int start, int end) {
        while (start < end && s.charAt(start) == '0') {
            start++;
        }
        return start;
    }

    private static int digitsEnd(String s, int start) {
        int end = start;
        while (end < s.length() && isDigit(s.charAt(end))) {
            end++;
        }
        return end;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
