package dev.cairn.realm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Contract versions ({@code x.y.z}) and the ranges a contract's {@code required} entries ask for:
 * {@code 1.2.3} (exactly), {@code =1.2.3}, {@code >=1.0.0}, {@code >1.0.0}, {@code <=2.0.0},
 * {@code <2.0.0}, {@code ^1.2.0} (same major, at least 1.2.0), {@code ~1.2.0} (same minor, at least
 * 1.2.0), {@code 1.x} / {@code 1.2.x} / {@code 1} / {@code 1.2}, {@code *}, and several of them
 * separated by spaces (all must hold). Pre-release tags are not part of the contract language.
 */
record Semver(int major, int minor, int patch) implements Comparable<Semver> {

    private static final Pattern VERSION = Pattern.compile("(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})");
    private static final Pattern PARTIAL = Pattern.compile("(\\d{1,9})(?:\\.(\\d{1,9}|[xX*]))?(?:\\.(\\d{1,9}|[xX*]))?");
    private static final Pattern COMPARATOR = Pattern.compile("(>=|<=|>|<|=|\\^|~)?\\s*(.+)");

    static Optional<Semver> parse(String text) {
        Matcher m = VERSION.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Semver(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3))));
    }

    @Override
    public int compareTo(Semver o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c == 0 ? Integer.compare(patch, o.patch) : c;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }

    /** One bound of a range: {@code version op} holds. */
    record Bound(String op, Semver version) {
        boolean admits(Semver v) {
            int c = v.compareTo(version);
            return switch (op) {
                case ">=" -> c >= 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                case "<" -> c < 0;
                default -> c == 0;
            };
        }
    }

    /**
     * A parsed range: the versions every bound admits. {@link #floor()} is the lowest version it
     * could admit, which is what compatibility compares an unsatisfying version against.
     */
    record Range(String text, List<Bound> bounds) {

        boolean admits(Semver v) {
            return bounds.stream().allMatch(b -> b.admits(v));
        }

        /** The lowest version the range's lower bounds allow (0.0.0 when it has none). */
        Semver floor() {
            Semver floor = new Semver(0, 0, 0);
            for (Bound b : bounds) {
                if ((b.op.equals(">=") || b.op.equals("=")) && b.version.compareTo(floor) > 0) {
                    floor = b.version;
                } else if (b.op.equals(">") && b.version.compareTo(floor) >= 0) {
                    floor = new Semver(b.version.major, b.version.minor, b.version.patch + 1);
                }
            }
            return floor;
        }
    }

    /** A range, or empty when the text is not one. */
    static Optional<Range> range(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.length() > 100) {
            return Optional.empty();
        }
        List<Bound> bounds = new ArrayList<>();
        for (String part : trimmed.split("\\s+")) {
            if (!part.equals("*") && !part.equalsIgnoreCase("x") && !comparator(part, bounds)) {
                return Optional.empty();
            }
        }
        return Optional.of(new Range(trimmed, List.copyOf(bounds)));
    }

    private static boolean comparator(String part, List<Bound> bounds) {
        Matcher m = COMPARATOR.matcher(part);
        if (!m.matches()) {
            return false;
        }
        String op = m.group(1) == null ? "" : m.group(1);
        Matcher v = PARTIAL.matcher(m.group(2));
        if (!v.matches()) {
            return false;
        }
        int major = Integer.parseInt(v.group(1));
        Optional<Integer> minor = number(v.group(2));
        Optional<Integer> patch = minor.isEmpty() ? Optional.empty() : number(v.group(3));
        if (minor.isEmpty() && v.group(3) != null && number(v.group(3)).isPresent()) {
            return false; // 1.x.3
        }
        Semver low = new Semver(major, minor.orElse(0), patch.orElse(0));
        switch (op) {
            case "^" -> {
                bounds.add(new Bound(">=", low));
                bounds.add(new Bound("<", major > 0 || minor.isEmpty() ? new Semver(major + 1, 0, 0)
                        : new Semver(0, minor.get() + 1, 0)));
            }
            case "~" -> {
                bounds.add(new Bound(">=", low));
                bounds.add(new Bound("<", minor.isEmpty() ? new Semver(major + 1, 0, 0) : new Semver(major, minor.get() + 1, 0)));
            }
            case "", "=" -> {
                if (patch.isPresent()) {
                    bounds.add(new Bound("=", low));
                } else { // 1.x or 1.2.x: that major (or minor)
                    bounds.add(new Bound(">=", low));
                    bounds.add(new Bound("<", minor.isEmpty() ? new Semver(major + 1, 0, 0) : new Semver(major, minor.get() + 1, 0)));
                }
            }
            default -> {
                if (patch.isEmpty()) {
                    return false; // >=1.x says nothing a full version would not say better
                }
                bounds.add(new Bound(op, low));
            }
        }
        return true;
    }

    private static Optional<Integer> number(String group) {
        return group == null || group.equalsIgnoreCase("x") || group.equals("*") ? Optional.empty()
                : Optional.of(Integer.parseInt(group));
    }
}
