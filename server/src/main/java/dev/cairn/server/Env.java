package dev.cairn.server;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration variables: the process environment over an optional {@code .env} file.
 * Every accessor validates and, on bad input, fails with one line naming the variable.
 */
final class Env {

    private final Map<String, String> values;

    private Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** Every variable that is set. */
    java.util.Set<String> names() {
        return values.keySet();
    }

    static Env of(Map<String, String> values) {
        return new Env(values);
    }

    /** Real environment variables win over the file, as in every dotenv tool. */
    static Env load(Map<String, String> environment, Path dotEnv) {
        Map<String, String> merged = new HashMap<>();
        if (Files.isRegularFile(dotEnv)) {
            merged.putAll(parseDotEnv(dotEnv));
        }
        merged.putAll(environment);
        return new Env(merged);
    }

    static Map<String, String> parseDotEnv(Path file) {
        try {
            Map<String, String> out = new HashMap<>();
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                parseLine(line, file, lineNo).ifPresent(kv -> out.put(kv[0], kv[1]));
            }
            return out;
        } catch (IOException e) {
            throw bad(file.toString(), "cannot read the file: " + e.getMessage());
        }
    }

    private static Optional<String[]> parseLine(String raw, Path file, int lineNo) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
            return Optional.empty();
        }
        if (line.startsWith("export ")) {
            line = line.substring(7).strip();
        }
        int eq = line.indexOf('=');
        if (eq <= 0) {
            throw bad(file + ":" + lineNo, "expected KEY=VALUE");
        }
        String key = line.substring(0, eq).strip();
        String value = line.substring(eq + 1).strip();
        return Optional.of(new String[] {key, unquote(value)});
    }

    private static String unquote(String value) {
        if (value.length() >= 2) {
            char first = value.charAt(0);
            if ((first == '"' || first == '\'') && value.charAt(value.length() - 1) == first) {
                return value.substring(1, value.length() - 1);
            }
        }
        int comment = value.indexOf(" #");
        return comment < 0 ? value : value.substring(0, comment).strip();
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /** One of {@code allowed} (case does not matter), the first when unset. */
    String oneOf(String name, java.util.List<String> allowed) {
        String value = string(name, allowed.get(0)).toLowerCase(java.util.Locale.ROOT);
        if (!allowed.contains(value)) {
            throw bad(name, "expected " + String.join(", ", allowed.subList(0, allowed.size() - 1)) + " or "
                    + allowed.get(allowed.size() - 1) + ", got '" + value + "'");
        }
        return value;
    }

    String string(String name, String fallback) {
        return get(name).orElse(fallback);
    }

    int integer(String name, int fallback, int min, int max) {
        return get(name).map(v -> parseInt(name, v, min, max)).orElse(fallback);
    }

    Optional<Integer> optionalInteger(String name, int min, int max) {
        return get(name).map(v -> parseInt(name, v, min, max));
    }

    long bytes(String name, long fallback) {
        return get(name).map(v -> parseLong(name, v)).orElse(fallback);
    }

    Duration seconds(String name, long fallback) {
        return Duration.ofSeconds(get(name).map(v -> parseLong(name, v)).orElse(fallback));
    }

    Duration millis(String name, long fallback) {
        return Duration.ofMillis(get(name).map(v -> parseLong(name, v)).orElse(fallback));
    }

    boolean bool(String name, boolean fallback) {
        return get(name).map(v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw bad(name, "expected true or false, got '" + v + "'");
        }).orElse(fallback);
    }

    private static int parseInt(String name, String value, int min, int max) {
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw bad(name, "must be between " + min + " and " + max + ", got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw bad(name, "expected a whole number, got '" + value + "'");
        }
    }

    private static long parseLong(String name, String value) {
        try {
            long parsed = Long.parseLong(value);
            if (parsed < 0) {
                throw bad(name, "must not be negative, got " + parsed);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw bad(name, "expected a whole number, got '" + value + "'");
        }
    }

    static CairnException bad(String name, String why) {
        return CairnException.of(ErrorCode.INVALID_CONFIGURATION, name + ": " + why);
    }
}
