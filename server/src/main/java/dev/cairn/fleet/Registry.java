package dev.cairn.fleet;

import dev.cairn.bundle.Bundle;
import dev.cairn.bundle.Folder;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.pool.Login;
import dev.cairn.sql.Locks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and writes the control database's rows. Methods that take a {@link Connection} join the
 * caller's transaction; the others run on their own.
 */
public final class Registry {

    private static final String VERSION_COLUMNS =
            "id, platform, schema_name, version, checksum, has_tables, has_functions, has_migrations, has_seeders, uploaded_at";
    private static final String DATABASE_COLUMNS =
            "d.name, d.platform, d.tenant, d.schema_name, d.version_id, v.version, d.checksum, d.created_at, d.fingerprint,"
                    + " d.suspended_at";

    private static final String DATABASE_BY_NAME = "SELECT " + DATABASE_COLUMNS
            + " FROM databases d JOIN schema_versions v ON v.id = d.version_id WHERE d.name = ?";

    private final ControlDatabase control;

    public Registry(ControlDatabase control) {
        this.control = control;
    }

    /** Stores a bundle as the next version of a schema, unless the same content is already stored. */
    public SchemaVersion storeVersion(String platform, String schemaName, byte[] archive, Bundle bundle, String checksum) {
        return inTransaction(c -> storeVersion(c, platform, schemaName, archive, bundle, checksum));
    }

    /** The same, inside the caller's transaction (which then also holds the platform's schema lock). */
    static SchemaVersion storeVersion(Connection c, String platform, String schemaName, byte[] archive, Bundle bundle,
                                      String checksum) throws SQLException {
        Locks.PLATFORM_SCHEMA.acquire(c, platform);
        ensurePlatform(c, platform);
        Optional<SchemaVersion> existing = versionByChecksum(c, platform, schemaName, checksum);
        if (existing.isPresent()) {
            return existing.get();
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO schema_versions (platform, schema_name, version, checksum, bundle,
                    has_tables, has_functions, has_migrations, has_seeders)
                SELECT ?, ?, coalesce(max(version), 0) + 1, ?, ?, ?, ?, ?, ?
                FROM schema_versions WHERE platform = ? AND schema_name = ?
                RETURNING\s""" + VERSION_COLUMNS)) {
            ps.setString(1, platform);
            ps.setString(2, schemaName);
            ps.setString(3, checksum);
            ps.setBytes(4, archive);
            ps.setBoolean(5, bundle.has(Folder.TABLES));
            ps.setBoolean(6, bundle.has(Folder.FUNCTIONS));
            ps.setBoolean(7, bundle.has(Folder.MIGRATIONS));
            ps.setBoolean(8, bundle.has(Folder.SEEDERS));
            ps.setString(9, platform);
            ps.setString(10, schemaName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return version(rs);
            }
        }
    }

    public Optional<SchemaVersion> latestVersion(String platform, String schemaName) {
        return query("SELECT " + VERSION_COLUMNS + " FROM schema_versions WHERE platform = ? AND schema_name = ?"
                + " ORDER BY version DESC LIMIT 1", Registry::version, platform, schemaName).stream().findFirst();
    }

    /** The latest version of a platform's schema: 404 for an unknown platform or schema, saying what to do. */
    public SchemaVersion requireLatestVersion(String platform, String schemaName) {
        requirePlatform(platform, "");
        return latestVersion(platform, schemaName).orElseThrow(() -> new CairnException(Problem.of(
                ErrorCode.SCHEMA_NOT_FOUND, "platform " + platform + " has no schema " + schemaName
                        + "; POST /platform/" + platform + "/schema it first")));
    }

    /** The most recently uploaded bundle of a platform, whatever its schema name. */
    public Optional<SchemaVersion> latestVersionOfPlatform(String platform) {
        return query("SELECT " + VERSION_COLUMNS + " FROM schema_versions WHERE platform = ?"
                + " ORDER BY uploaded_at DESC, id DESC LIMIT 1", Registry::version, platform).stream().findFirst();
    }

    public Optional<SchemaVersion> version(long id) {
        return query("SELECT " + VERSION_COLUMNS + " FROM schema_versions WHERE id = ?", Registry::version, id)
                .stream().findFirst();
    }

    public byte[] archive(long versionId) {
        return query("SELECT bundle FROM schema_versions WHERE id = ?", rs -> rs.getBytes(1), versionId)
                .stream().findFirst().orElseThrow();
    }

    /** v2 {@code /platform/register}: true when the platform is new. */
    public boolean registerPlatform(String platform) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO platforms (name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
                ps.setString(1, platform);
                boolean created = ps.executeUpdate() == 1;
                RealmRows.platform(c, platform);
                return created;
            }
        });
    }

    /** A platform with how many schemas and databases it has. */
    public record PlatformSummary(String name, int schemas, int databases, java.time.Instant createdAt) {
    }

    public List<PlatformSummary> platforms() {
        return query("""
                SELECT p.name,
                       (SELECT count(DISTINCT schema_name) FROM schema_versions v WHERE v.platform = p.name),
                       (SELECT count(*) FROM databases d WHERE d.platform = p.name), p.created_at
                FROM platforms p ORDER BY p.name""",
                rs -> new PlatformSummary(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getTimestamp(4).toInstant()));
    }

    /** The latest version of each schema of a platform, with how many versions it has. */
    public record SchemaSummary(SchemaVersion latest, int versions) {
    }

    public List<SchemaSummary> schemas(String platform) {
        return query("SELECT " + VERSION_COLUMNS + ", n FROM (SELECT *,"
                        + " row_number() OVER (PARTITION BY schema_name ORDER BY version DESC) AS r,"
                        + " count(*) OVER (PARTITION BY schema_name) AS n"
                        + " FROM schema_versions WHERE platform = ?) AS s WHERE r = 1 ORDER BY schema_name",
                rs -> new SchemaSummary(version(rs), rs.getInt(11)), platform);
    }

    /** Stores a platform token's SHA-256 (hex); the token itself is never stored. */
    public void saveToken(String platform, String tokenHash) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO platform_tokens (platform, token_hash) VALUES (?, ?)")) {
                ps.setString(1, platform);
                ps.setString(2, tokenHash);
                return ps.executeUpdate();
            }
        });
    }

    /** The platform a token hash belongs to. */
    public Optional<String> tokenPlatform(String tokenHash) {
        return query("SELECT platform FROM platform_tokens WHERE token_hash = ?", rs -> rs.getString(1), tokenHash)
                .stream().findFirst();
    }

    /**
     * 404 {@code platform_not_found} unless the platform is registered; {@code hint} (may be
     * empty) tells the client what to do, e.g. {@code "; POST /platform/register it first"}.
     */
    public void requirePlatform(String platform, String hint) {
        if (!platformExists(platform)) {
            throw new CairnException(Problem.of(ErrorCode.PLATFORM_NOT_FOUND,
                    "platform " + platform + " is not registered" + hint));
        }
    }

    public boolean platformExists(String platform) {
        return !query("SELECT 1 FROM platforms WHERE name = ?", rs -> 1, platform).isEmpty();
    }

    public Optional<DatabaseRecord> database(String name) {
        return query(DATABASE_BY_NAME, Registry::database, name).stream().findFirst();
    }

    /** The same, inside the caller's transaction. */
    static Optional<DatabaseRecord> database(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(DATABASE_BY_NAME)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(database(rs)) : Optional.empty();
            }
        }
    }

    /** Exact match on the platform column: no LIKE, so '%' or '_' in a name cannot widen the list. */
    public List<DatabaseRecord> databases(String platform) {
        return query("SELECT " + DATABASE_COLUMNS + " FROM databases d JOIN schema_versions v ON v.id = d.version_id"
                + " WHERE d.platform = ? ORDER BY d.tenant NULLS FIRST, d.name", Registry::database, platform);
    }

    /** Every database that is not suspended, of every platform, by name: what the events relay sweeps. */
    public List<DatabaseRecord> activeDatabases() {
        return query("SELECT " + DATABASE_COLUMNS + " FROM databases d JOIN schema_versions v ON v.id = d.version_id"
                + " WHERE d.suspended_at IS NULL ORDER BY d.name", Registry::database);
    }

    /** The databases of one schema of a platform, the one without an id (its canary) first. */
    public List<DatabaseRecord> databases(String platform, String schemaName) {
        return query("SELECT " + DATABASE_COLUMNS + " FROM databases d JOIN schema_versions v ON v.id = d.version_id"
                + " WHERE d.platform = ? AND d.schema_name = ? ORDER BY d.tenant NULLS FIRST, d.name",
                Registry::database, platform, schemaName);
    }

    /** Notes that Cairn begins to create {@code database} (see {@code V6__database_creations.sql}). */
    static void beginCreation(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO database_creations (name) VALUES (?)"
                + " ON CONFLICT (name) DO UPDATE SET started_at = now()")) {
            ps.setString(1, database);
            ps.executeUpdate();
        }
    }

    /** Whether a creation of {@code database} began and has not been recorded as finished. */
    static boolean creationBegun(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM database_creations WHERE name = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** In the transaction that records the finished database. */
    static void endCreation(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM database_creations WHERE name = ?")) {
            ps.setString(1, database);
            ps.executeUpdate();
        }
    }

    static void insertDatabase(Connection c, String name, String platform, Optional<String> tenant,
                               SchemaVersion version, String deployedChecksum, Optional<String> fingerprint)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO databases (name, platform, tenant, schema_name, version_id, checksum, fingerprint)
                VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setString(1, name);
            ps.setString(2, platform);
            ps.setString(3, tenant.orElse(null));
            ps.setString(4, version.schemaName());
            ps.setLong(5, version.id());
            ps.setString(6, deployedChecksum);
            ps.setString(7, fingerprint.orElse(null));
            ps.executeUpdate();
        }
        if (tenant.isPresent()) {
            RealmRows.tenant(c, platform, tenant.get());
        }
        Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("database", name);
        payload.put("tenant", tenant.orElse(null));
        payload.put("schema", version.schemaName());
        payload.put("version", version.version());
        ControlEvents.record(c, platform, "database", name, "created", payload);
    }

    /** The current fingerprints ({@link Fingerprints}) of these databases, by name, for a platform's role. */
    Map<String, String> fingerprints(String role, java.util.Collection<String> databases) {
        return control.inTransaction(c -> Fingerprints.of(c, role, databases));
    }

    /** A template's row: what building it reported and, since V3, the state it holds. */
    record TemplateRow(String summaryJson, Optional<String> desiredJson) {
    }

    private static final String TEMPLATE_BY_NAME =
            "SELECT summary::text, desired::text FROM templates WHERE database_name = ?";

    /**
     * After a migrate: the database now follows this version (an adopted database is recorded
     * here for the first time, its platform created if need be).
     */
    static void recordMigrated(Connection c, String database, String platform, Optional<String> tenant,
                               SchemaVersion version, String checksum, Optional<String> fingerprint)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE databases SET schema_name = ?, version_id = ?, checksum = ?, fingerprint = ? WHERE name = ?")) {
            ps.setString(1, version.schemaName());
            ps.setLong(2, version.id());
            ps.setString(3, checksum);
            ps.setString(4, fingerprint.orElse(null));
            ps.setString(5, database);
            if (ps.executeUpdate() == 1) {
                return;
            }
        }
        ensurePlatform(c, platform);
        insertDatabase(c, database, platform, tenant, version, checksum, fingerprint);
    }

    Optional<TemplateRow> template(String database) {
        return query(TEMPLATE_BY_NAME, Registry::templateRow, database).stream().findFirst();
    }

    static Optional<TemplateRow> template(Connection c, String database) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(TEMPLATE_BY_NAME)) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(templateRow(rs)) : Optional.empty();
            }
        }
    }

    private static TemplateRow templateRow(ResultSet rs) throws SQLException {
        return new TemplateRow(rs.getString(1), Optional.ofNullable(rs.getString(2)));
    }

    /** Recorded templates whose content no database holds and that are no schema's latest version. */
    static List<String> unusedTemplates(Connection c) throws SQLException {
        List<String> out = new java.util.ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT t.database_name FROM templates t
                WHERE NOT EXISTS (SELECT 1 FROM databases d WHERE d.platform = t.platform AND d.checksum = t.checksum)
                  AND NOT EXISTS (SELECT 1 FROM schema_versions v WHERE v.platform = t.platform
                                  AND v.checksum = t.checksum AND v.version = (SELECT max(w.version)
                                  FROM schema_versions w WHERE w.platform = v.platform AND w.schema_name = v.schema_name))
                ORDER BY t.database_name""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static void saveTemplate(Connection c, String database, String platform, String checksum, String summaryJson,
                             String desiredJson) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO templates (database_name, platform, checksum, summary, desired)
                VALUES (?, ?, ?, ?::jsonb, ?::jsonb)
                ON CONFLICT (database_name) DO UPDATE
                SET summary = EXCLUDED.summary, desired = EXCLUDED.desired, created_at = now()""")) {
            ps.setString(1, database);
            ps.setString(2, platform);
            ps.setString(3, checksum);
            ps.setString(4, summaryJson);
            ps.setString(5, desiredJson);
            ps.executeUpdate();
        }
    }

    Optional<Login> roleLogin(String platform) {
        return query("SELECT role_name, password FROM platform_roles WHERE platform = ?",
                rs -> new Login(rs.getString(1), rs.getString(2)), platform).stream().findFirst();
    }

    static Optional<Login> roleLogin(Connection c, String platform) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT role_name, password FROM platform_roles WHERE platform = ?")) {
            ps.setString(1, platform);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Login(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    static void saveRole(Connection c, String platform, Login login) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO platform_roles (platform, role_name, password) VALUES (?, ?, ?)")) {
            ps.setString(1, platform);
            ps.setString(2, login.user());
            ps.setString(3, login.password());
            ps.executeUpdate();
        }
    }

    /** Every admin and deploy action, in its own transaction so a failed action is recorded too. */
    public void audit(AuditEntry entry) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO audit_log (request_id, actor, source_ip, action, platform, database, status, detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")) {
                ps.setString(1, entry.requestId());
                ps.setString(2, entry.actor());
                ps.setString(3, entry.sourceIp());
                ps.setString(4, entry.action());
                ps.setString(5, entry.platform().orElse(null));
                ps.setString(6, entry.database().orElse(null));
                ps.setInt(7, entry.status());
                ps.setString(8, entry.detailJson());
                return ps.executeUpdate();
            }
        });
    }

    static void ensurePlatform(Connection c, String platform) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO platforms (name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
            ps.setString(1, platform);
            ps.executeUpdate();
        }
        RealmRows.platform(c, platform);
    }

    private static Optional<SchemaVersion> versionByChecksum(Connection c, String platform, String schemaName,
                                                             String checksum) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + VERSION_COLUMNS
                + " FROM schema_versions WHERE platform = ? AND schema_name = ? AND checksum = ?")) {
            ps.setString(1, platform);
            ps.setString(2, schemaName);
            ps.setString(3, checksum);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(version(rs)) : Optional.empty();
            }
        }
    }

    private static SchemaVersion version(ResultSet rs) throws SQLException {
        return new SchemaVersion(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                rs.getBoolean(6), rs.getBoolean(7), rs.getBoolean(8), rs.getBoolean(9),
                rs.getTimestamp(10).toInstant());
    }

    private static DatabaseRecord database(ResultSet rs) throws SQLException {
        Timestamp created = rs.getTimestamp(8);
        return new DatabaseRecord(rs.getString(1), rs.getString(2), Optional.ofNullable(rs.getString(3)),
                rs.getString(4), rs.getLong(5), rs.getInt(6), rs.getString(7), created.toInstant(),
                Optional.ofNullable(rs.getString(9)), Optional.ofNullable(rs.getTimestamp(10)).map(Timestamp::toInstant));
    }

    ControlDatabase control() {
        return control;
    }

    <T> T inTransaction(ControlDatabase.SqlFunction<T> work) {
        return control.inTransaction(work);
    }

    private <T> List<T> query(String sql, ControlDatabase.RowMapper<T> mapper, Object... params) {
        return control.query(sql, mapper, params);
    }

    /**
     * A failure talking to PostgreSQL from the control plane: a lost or refused connection
     * (SQLSTATE classes 08, 53, 57P) is a 503 the client may retry; anything else is our bug.
     */
    public static CairnException controlFailure(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean unavailable = state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")
                || e instanceof java.sql.SQLTransientConnectionException;
        ErrorCode code = unavailable ? ErrorCode.CONNECTION_FAILED : ErrorCode.INTERNAL_ERROR;
        String message = unavailable ? "PostgreSQL is unavailable: " + e.getMessage()
                : "the control database failed: " + e.getMessage();
        return new CairnException(Problem.of(code, message).with("sqlstate", e.getSQLState()), e);
    }
}
