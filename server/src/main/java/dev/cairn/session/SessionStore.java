package dev.cairn.session;

import dev.cairn.fleet.ControlDatabase;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Sessions in the control database: the truth the cache copies. Rows are keyed by the token's
 * SHA-256, so a copy of the table logs nobody in; a logout stamps {@code revoked_at} and keeps the
 * row (who was logged in when stays answerable). Expired rows are removed by {@link #purge()}.
 */
final class SessionStore {

    private final ControlDatabase control;

    SessionStore(ControlDatabase control) {
        this.control = control;
    }

    /** What a login wants remembered about its session beside the user. */
    record Client(Optional<String> ip, Optional<String> userAgent) {
    }

    void create(String hash, SessionRecord s, Client client) {
        control.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO sessions (token_hash, user_id, email, display_name, roles, platform, tenant, expires_at,
                                          client_ip, client_user_agent)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, hash);
                ps.setString(2, s.userId());
                ps.setString(3, s.email().orElse(null));
                ps.setString(4, s.displayName().orElse(null));
                ps.setArray(5, c.createArrayOf("text", s.roles().toArray()));
                ps.setString(6, s.platform().orElse(null));
                ps.setString(7, s.tenant().orElse(null));
                ps.setTimestamp(8, Timestamp.from(s.expiresAt()));
                ps.setString(9, client.ip().orElse(null));
                ps.setString(10, client.userAgent().orElse(null));
                return ps.executeUpdate();
            }
        });
    }

    /** The session if it is live now (known, not logged out, not expired): the database's clock decides. */
    Optional<SessionRecord> live(String hash) {
        return control.query("""
                SELECT user_id, email, display_name, roles, platform, tenant, expires_at FROM sessions
                WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > now()""", SessionStore::read, hash)
                .stream().findFirst();
    }

    /** Logs the session out; false when there was no live session of that hash. */
    boolean revoke(String hash) {
        return control.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE sessions SET revoked_at = now() WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > now()")) {
                ps.setString(1, hash);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** Removes sessions that ended more than a day ago (kept that long so "who was it" can be asked). */
    int purge() {
        return control.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM sessions WHERE expires_at < now() - interval '1 day'")) {
                return ps.executeUpdate();
            }
        });
    }

    private static SessionRecord read(ResultSet rs) throws SQLException {
        Array roles = rs.getArray("roles");
        List<String> list = roles == null ? List.of() : Arrays.stream((Object[]) roles.getArray()).map(String::valueOf).toList();
        return new SessionRecord(rs.getString("user_id"), Optional.ofNullable(rs.getString("email")),
                Optional.ofNullable(rs.getString("display_name")), list, Optional.ofNullable(rs.getString("platform")),
                Optional.ofNullable(rs.getString("tenant")), rs.getTimestamp("expires_at").toInstant());
    }
}
