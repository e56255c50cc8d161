package dev.cairn.metrics;

import java.math.BigDecimal;

/**
 * Writes the Prometheus text exposition format, version 0.0.4: for each family a {@code # HELP}
 * and a {@code # TYPE} line, then its samples, {@code name{label="value",...} value}. Label values
 * are escaped as the format demands (backslash, double quote, line feed), so a client-supplied
 * value can never break a line or forge a sample.
 */
final class Exposition {

    private final StringBuilder out = new StringBuilder(16 * 1024);

    Exposition family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** {@code labels} as {@link #labels} renders them, without braces; empty for none. */
    Exposition sample(String name, String labels, double value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(number(value)).append('\n');
        return this;
    }

    String text() {
        return out.toString();
    }

    /** Label pairs ({@code name, value, name, value, ...}) rendered and escaped, without braces. */
    static String labels(String... namesAndValues) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(namesAndValues[i]).append("=\"");
            escape(namesAndValues[i + 1], b);
            b.append('"');
        }
        return b.toString();
    }

    /** {@code labels} with one more pair appended (a histogram bucket's {@code le}). */
    static String with(String labels, String name, String value) {
        String extra = labels(name, value);
        return labels.isEmpty() ? extra : labels + "," + extra;
    }

    private static void escape(String value, StringBuilder b) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                default -> b.append(c);
            }
        }
    }

    /** Whole numbers without a fraction (counts), others in Java's shortest exact form. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** A bucket bound as people write it: {@code 0.0025}, {@code 30}, never {@code 2.5E-3}. */
    static String bound(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
