package dev.cairn.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text format 0.0.4, for tests: every line must be a valid
 * HELP, TYPE or sample line, every sample must belong to a family declared before it, a family's
 * lines must be one group, no series may repeat, and every histogram must be consistent
 * (cumulative buckets ending in {@code +Inf} equal to {@code _count}, a {@code _sum}). Anything
 * else fails with the line number.
 */
public final class Scrape {

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE_NAME = Pattern.compile(NAME);
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern VALUE = Pattern.compile("[+-]?Inf|NaN|[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new HashMap<>();

    private Scrape() {
    }

    public static Scrape parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the exposition does not end with a line feed");
        }
        Scrape s = new Scrape();
        Set<String> ended = new HashSet<>();
        Set<String> series = new HashSet<>();
        String current = "";
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            int no = i + 1;
            String family = s.familyOf(line, no);
            if (!family.equals(current)) {
                if (ended.contains(family)) {
                    throw new AssertionError("line " + no + ": family " + family + " appears in two groups");
                }
                ended.add(current);
                current = family;
            }
            if (line.startsWith("#")) {
                continue;
            }
            Sample sample = sample(line, no);
            if (!s.types.containsKey(family)) {
                throw new AssertionError("line " + no + ": sample before the TYPE of its family: " + line);
            }
            if (!series.add(sample.name() + new TreeMap<>(sample.labels()))) {
                throw new AssertionError("line " + no + ": series repeated: " + line);
            }
            s.samples.add(sample);
        }
        s.checkHistograms();
        s.checkCounters();
        return s;
    }

    public List<Sample> samples() {
        return samples;
    }

    public Optional<String> type(String family) {
        return Optional.ofNullable(types.get(family));
    }

    /** Every sample of {@code name} whose labels include the given pairs. */
    public List<Sample> all(String name, String... labelPairs) {
        Map<String, String> wanted = pairs(labelPairs);
        return samples.stream().filter(x -> x.name().equals(name)
                && x.labels().entrySet().containsAll(wanted.entrySet())).toList();
    }

    /** The sum of those samples' values; 0 when there are none (a counter not yet counted). */
    public double sum(String name, String... labelPairs) {
        return all(name, labelPairs).stream().mapToDouble(Sample::value).sum();
    }

    /** The one sample of {@code name} with exactly these labels. */
    public Optional<Sample> one(String name, String... labelPairs) {
        Map<String, String> wanted = pairs(labelPairs);
        return samples.stream().filter(x -> x.name().equals(name) && x.labels().equals(wanted)).findFirst();
    }

    private static Map<String, String> pairs(String... labelPairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < labelPairs.length; i += 2) {
            m.put(labelPairs[i], labelPairs[i + 1]);
        }
        return m;
    }

    /** The family a line belongs to; HELP and TYPE lines are checked here. */
    private String familyOf(String line, int no) {
        if (line.startsWith("# HELP ")) {
            Matcher m = HELP.matcher(line);
            if (!m.matches() || !validHelp(m.group(2))) {
                throw new AssertionError("line " + no + ": bad HELP line: " + line);
            }
            return m.group(1);
        }
        if (line.startsWith("# TYPE ")) {
            Matcher m = TYPE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("line " + no + ": bad TYPE line: " + line);
            }
            if (types.put(m.group(1), m.group(2)) != null) {
                throw new AssertionError("line " + no + ": second TYPE for " + m.group(1));
            }
            return m.group(1);
        }
        if (line.startsWith("#") || line.isEmpty()) {
            throw new AssertionError("line " + no + ": neither HELP, TYPE nor a sample: '" + line + "'");
        }
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
        }
        String name = line.substring(0, end);
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            String base = name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : "";
            if (!base.isEmpty() && "histogram".equals(types.get(base))) {
                return base;
            }
        }
        return name;
    }

    /** HELP text may escape only backslash and line feed. */
    private static boolean validHelp(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\\') {
                if (i + 1 >= text.length() || (text.charAt(i + 1) != '\\' && text.charAt(i + 1) != 'n')) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    private static Sample sample(String line, int no) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!SAMPLE_NAME.matcher(name).matches()) {
            throw new AssertionError("line " + no + ": bad metric name: " + line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels, no);
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new AssertionError("line " + no + ": no space before the value: " + line);
        }
        String[] rest = line.substring(i + 1).split(" ", -1);
        if (rest.length > 2 || !VALUE.matcher(rest[0]).matches()
                || (rest.length == 2 && !rest[1].matches("-?\\d+"))) {
            throw new AssertionError("line " + no + ": bad value: " + line);
        }
        return new Sample(name, labels, parseValue(rest[0]));
    }

    /** Reads {@code name="value",...}} from {@code i}; returns the index after the closing brace. */
    private static int labels(String line, int i, Map<String, String> out, int no) {
        while (true) {
            if (i < line.length() && line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || !LABEL_NAME.matcher(line.substring(i, eq)).matches() || eq + 1 >= line.length()
                    || line.charAt(eq + 1) != '"') {
                throw new AssertionError("line " + no + ": bad label at " + i + ": " + line);
            }
            String label = line.substring(i, eq);
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            for (; j < line.length() && line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\') {
                    char next = j + 1 < line.length() ? line.charAt(++j) : ' ';
                    switch (next) {
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        case 'n' -> value.append('\n');
                        default -> throw new AssertionError("line " + no + ": bad escape in a label value: " + line);
                    }
                } else {
                    value.append(c);
                }
            }
            if (j >= line.length()) {
                throw new AssertionError("line " + no + ": unterminated label value: " + line);
            }
            if (out.put(label, value.toString()) != null) {
                throw new AssertionError("line " + no + ": label " + label + " twice: " + line);
            }
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            } else if (i >= line.length() || line.charAt(i) != '}') {
                throw new AssertionError("line " + no + ": expected , or } after a label: " + line);
            }
        }
    }

    private static double parseValue(String v) {
        return switch (v) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    private void checkHistograms() {
        types.forEach((family, type) -> {
            if (!type.equals("histogram")) {
                return;
            }
            Map<Map<String, String>, List<Sample>> buckets = new HashMap<>();
            for (Sample s : samples) {
                if (s.name().equals(family + "_bucket")) {
                    Map<String, String> rest = new TreeMap<>(s.labels());
                    if (rest.remove("le") == null) {
                        throw new AssertionError(family + ": a bucket without le: " + s);
                    }
                    buckets.computeIfAbsent(rest, k -> new ArrayList<>()).add(s);
                }
            }
            buckets.forEach((labels, list) -> {
                double previousBound = Double.NEGATIVE_INFINITY;
                double previousCount = 0;
                for (Sample b : list) {
                    double bound = parseValue(b.labels().get("le"));
                    if (bound <= previousBound || b.value() < previousCount) {
                        throw new AssertionError(family + labels + ": buckets not increasing at le=" + b.labels().get("le"));
                    }
                    previousBound = bound;
                    previousCount = b.value();
                }
                if (previousBound != Double.POSITIVE_INFINITY) {
                    throw new AssertionError(family + labels + ": no +Inf bucket");
                }
                double count = one(family + "_count", flat(labels)).orElseThrow(
                        () -> new AssertionError(family + labels + ": no _count")).value();
                if (count != previousCount) {
                    throw new AssertionError(family + labels + ": _count " + count + " but +Inf bucket " + previousCount);
                }
                one(family + "_sum", flat(labels)).orElseThrow(() -> new AssertionError(family + labels + ": no _sum"));
            });
        });
    }

    private void checkCounters() {
        for (Sample s : samples) {
            if ("counter".equals(types.get(s.name())) && !(s.value() >= 0)) {
                throw new AssertionError("a counter below zero: " + s);
            }
        }
    }

    private static String[] flat(Map<String, String> labels) {
        List<String> out = new ArrayList<>();
        labels.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out.toArray(String[]::new);
    }
}
