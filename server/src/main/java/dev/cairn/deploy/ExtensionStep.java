package dev.cairn.deploy;

import dev.cairn.bundle.BundleFile;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.sql.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code extensions/}: one file per extension, the file name is the extension name; optional
 * header comments {@code -- version: X} and {@code -- schema: S}. The file's SQL, if any, is not
 * run: the name says what to install, so a file cannot smuggle in other statements.
 */
final class ExtensionStep {

    /** Names people use for extensions whose real name differs. */
    private static final Map<String, String> ALIASES = Map.of("pgvector", "vector");
    private static final Pattern VERSION = Pattern.compile("(?im)^\\s*--\\s*version:\\s*(\\S+)\\s*$");
    private static final Pattern SCHEMA = Pattern.compile("(?im)^\\s*--\\s*schema:\\s*(\\S+)\\s*$");
    private static final Pattern SAFE_VERSION = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    record Wanted(String name, Optional<String> version, Optional<String> schema, BundleFile file) {
    }

    private ExtensionStep() {
    }

    static int run(Connection c, List<BundleFile> files, List<Change> changes) throws SQLException {
        if (files.isEmpty()) {
            return 0;
        }
        List<String> available = names(c, "SELECT name FROM pg_available_extensions ORDER BY name");
        List<String> installed = names(c, "SELECT extname FROM pg_extension");
        List<String> trusted = names(c, TRUSTED);
        boolean superuser = !names(c, "SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper").isEmpty();
        int created = 0;
        for (BundleFile file : files) {
            Wanted wanted = parse(file);
            if (!available.contains(wanted.name())) {
                throw notAvailable(wanted, available);
            }
            if (installed.contains(wanted.name())) {
                continue;
            }
            if (!superuser && !trusted.contains(wanted.name())) {
                throw superuserOnly(wanted);
            }
            create(c, wanted);
            installed.add(wanted.name());
            changes.add(new Change("extension", wanted.name(), "created", file.path(), null));
            created++;
        }
        return created;
    }

    static Wanted parse(BundleFile file) {
        String stem = file.name().replaceFirst("\\.(pssql|pgsql|sql|txt)$", "").toLowerCase(Locale.ROOT);
        String name = ALIASES.getOrDefault(stem, stem);
        Optional<String> version = header(VERSION, file.text());
        version.filter(v -> !SAFE_VERSION.matcher(v).matches()).ifPresent(v -> {
            throw new CairnException(Problem.of(ErrorCode.SCHEMA_EXTRACTION_FAILED,
                    file.path() + ": extension version '" + v + "' is not a version number").with("file", file.path()));
        });
        return new Wanted(name, version, header(SCHEMA, file.text()), file);
    }

    private static Optional<String> header(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static void create(Connection c, Wanted wanted) throws SQLException {
        StringBuilder sql = new StringBuilder("CREATE EXTENSION IF NOT EXISTS ").append(Identifiers.quote(wanted.name()));
        try (Statement st = c.createStatement()) {
            if (wanted.schema().isPresent()) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + Identifiers.quote(wanted.schema().get()));
                sql.append(" SCHEMA ").append(Identifiers.quote(wanted.schema().get()));
            }
            wanted.version().ifPresent(v -> sql.append(" VERSION ").append(Identifiers.literal(v)));
            st.execute(sql.toString());
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.EXTENSION_NOT_AVAILABLE,
                            wanted.file().path() + ": cannot install extension " + wanted.name() + ": " + e.getMessage())
                    .with("file", wanted.file().path()).with("extension", wanted.name())
                    .with("sqlstate", e.getSQLState()), e);
        }
    }

    /** Extensions the database owner may install (PostgreSQL 13+ marks them trusted). */
    private static final String TRUSTED = """
            SELECT e.name FROM pg_available_extensions e
            JOIN pg_available_extension_versions v ON v.name = e.name AND v.version = e.default_version
            WHERE v.trusted""";

    private static CairnException superuserOnly(Wanted wanted) {
        return new CairnException(Problem.of(ErrorCode.EXTENSION_NOT_AVAILABLE,
                        "extension " + wanted.name() + " (" + wanted.file().path() + ") can only be installed by a"
                                + " superuser, and the platform's SQL does not run as one; the operator may allow it"
                                + " with EXTENSIONS_ALLOWED=" + wanted.name())
                .with("file", wanted.file().path())
                .with("extension", wanted.name()));
    }

    private static CairnException notAvailable(Wanted wanted, List<String> available) {
        return new CairnException(Problem.of(ErrorCode.EXTENSION_NOT_AVAILABLE,
                        "extension " + wanted.name() + " (" + wanted.file().path() + ") is not available on this "
                                + "PostgreSQL server; install its package on the server or remove the file")
                .with("file", wanted.file().path())
                .with("extension", wanted.name())
                .with("available", available));
    }

    private static List<String> names(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }
}
