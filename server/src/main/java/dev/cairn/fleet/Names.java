package dev.cairn.fleet;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Platform, tenant and database names. Names are validated and used verbatim, never mangled:
 * the StoneScript gateway turned every non-alphanumeric character into {@code _}, so
 * {@code Clinic-1} and {@code clinic_1} became the same database. Here the database of tenant
 * {@code t} of platform {@code p} is exactly {@code p_t}, and which platform and tenant own a
 * database is recorded in the control database, never guessed back from the name.
 */
public final class Names {

    /** PostgreSQL's NAMEDATALEN - 1: longer names would be silently truncated by the server. */
    public static final int MAX_DATABASE_NAME_BYTES = 63;
    public static final String MAIN = "main";
    /** Not a platform name: the second subject token of control-plane events. */
    public static final String CONTROL = "control";
    public static final int MAX_PLATFORM_LENGTH = 40;

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private Names() {
    }

    public static String platform(String raw) {
        String name = checked("platform", raw);
        // No '_' in platform names: then "{platform}_{rest}" splits one way only, and no platform can squat another's names.
        if (!wellFormed(name, false)) {
            throw invalid("platform", raw, "use lower-case letters, digits and '-' ('_' separates the platform"
                    + " from the rest of a database name)");
        }
        if (name.startsWith("cairn")) {
            throw invalid("platform", raw, "names starting with 'cairn' are reserved for Cairn's own databases");
        }
        if (name.equals(CONTROL)) { // event subjects: cairn.control.{platform}… would read as this platform's events
            throw invalid("platform", raw, "'control' is reserved for Cairn's control-plane events");
        }
        if (name.length() > MAX_PLATFORM_LENGTH) {
            throw invalid("platform", raw, "longer than " + MAX_PLATFORM_LENGTH + " characters");
        }
        return name;
    }

    /** {@code ""}, {@code "null"} and absent mean the main database, as StoneScript clients send. */
    public static Optional<String> tenant(Optional<String> raw) {
        return raw.map(String::strip).filter(t -> !t.isEmpty() && !t.equals("null")).map(Names::tenantName);
    }

    private static String tenantName(String raw) {
        String name = checked("tenant_id", raw);
        if (name.equals(MAIN)) {
            throw invalid("tenant_id", raw, "'main' is reserved for the platform's main database; omit tenant_id");
        }
        return name;
    }

    /** A schema name as v2/v4 clients send it ({@code main}, {@code tenant}, {@code main_db}). */
    public static String schema(String raw) {
        return checked("schema_name", raw);
    }

    /** A v4 database uuid: a UUID's hyphens become underscores (the v4 contract); other ids stay as given. */
    public static String databaseId(String raw) {
        String trimmed = raw.strip();
        if (UUID.matcher(trimmed).matches()) {
            return trimmed.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        }
        return checked("uuid", trimmed);
    }

    /** v1 naming: {@code {platform}_main} or {@code {platform}_{tenant}}. */
    public static String database(String platform, Optional<String> tenant) {
        return databaseName(platform + "_" + tenant.orElse(MAIN));
    }

    /** v2/v4 naming: {@code {platform}_{schema}} or {@code {platform}_{schema}_{id}}. */
    public static String database(String platform, String schema, Optional<String> databaseId) {
        return databaseName(platform + "_" + schema + databaseId.map(id -> "_" + id).orElse(""));
    }

    /** Checks the length limit of a full database name; never truncates. */
    public static String databaseName(String name) {
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_DATABASE_NAME_BYTES) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                    "database name '" + name + "' is " + bytes + " bytes; PostgreSQL allows "
                            + MAX_DATABASE_NAME_BYTES + ": use a shorter platform or tenant name")
                    .with("database", name));
        }
        return name;
    }

    private static String checked(String field, String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, field + " is required")
                    .with("field", field));
        }
        if (!wellFormed(raw, true)) {
            throw invalid(field, raw, "use lower-case letters, digits, '-' and '_', starting with a letter or digit");
        }
        if (raw.length() > MAX_DATABASE_NAME_BYTES) {
            throw invalid(field, raw, "longer than " + MAX_DATABASE_NAME_BYTES + " characters");
        }
        return raw;
    }

    /**
     * {@code [a-z0-9][a-z0-9_-]*} ({@code [a-z0-9][a-z0-9-]*} without underscores), checked by hand:
     * every data request names a platform and a tenant, and a regex was a visible part of its cost.
     */
    private static boolean wellFormed(String name, boolean underscore) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '-' || (underscore && c == '_')));
            if (!ok) {
                return false;
            }
        }
        return !name.isEmpty();
    }

    private static CairnException invalid(String field, String raw, String why) {
        String shown = raw.length() > 80 ? raw.substring(0, 80) + "…" : raw;
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                "invalid " + field + " '" + shown + "': " + why).with("field", field));
    }
}
