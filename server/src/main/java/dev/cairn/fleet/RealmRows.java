package dev.cairn.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The realm tree's rows of platforms and tenants (see {@code dev.cairn.realm}), written in the same
 * transaction as the platform or tenant database they stand for, so the tree never misses one.
 */
final class RealmRows {

    private RealmRows() {
    }

    /** A platform is a root realm named after it. */
    static void platform(Connection c, String platform) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO realms (realm_id, display_name, realm_type, managed_by)
                VALUES (?, ?, 'root', 'platform') ON CONFLICT (realm_id) DO NOTHING""")) {
            ps.setString(1, platform);
            ps.setString(2, platform);
            ps.executeUpdate();
        }
    }

    /** A tenant is a child realm of its platform's: {@code <platform>/<tenant>}. */
    static void tenant(Connection c, String platform, String tenant) throws SQLException {
        platform(c, platform);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO realms (realm_id, display_name, realm_type, parent, managed_by)
                SELECT ?, ?, 'tenant', id, 'tenant' FROM realms WHERE realm_id = ?
                ON CONFLICT (realm_id) DO NOTHING""")) {
            ps.setString(1, platform + "/" + tenant);
            ps.setString(2, tenant);
            ps.setString(3, platform);
            ps.executeUpdate();
        }
    }

    /**
     * After a tenant database is deleted: the tenant's realm goes with its last database (its members
     * and bridges with it), unless realms were created beneath it, which keep it.
     */
    static void tenantDatabaseDeleted(Connection c, String platform, String tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                DELETE FROM realms r WHERE r.realm_id = ? AND r.managed_by = 'tenant'
                  AND NOT EXISTS (SELECT 1 FROM databases d WHERE d.platform = ? AND d.tenant = ?)
                  AND NOT EXISTS (SELECT 1 FROM realms child WHERE child.parent = r.id)""")) {
            ps.setString(1, platform + "/" + tenant);
            ps.setString(2, platform);
            ps.setString(3, tenant);
            ps.executeUpdate();
        }
    }
}
