package dev.cairn.realm;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** The facts of a realm the writes need, found by its uuid or its slug. */
record RealmRow(UUID id, String realmId, String realmType, Optional<UUID> parent, Optional<String> contractName,
                Optional<String> contractVersion, Optional<String> managedBy) {

    private static final String COLUMNS = "id, realm_id, realm_type, parent, contract_name, contract_version, managed_by";

    static Optional<RealmRow> find(Connection c, String idOrSlug) throws SQLException {
        Optional<UUID> uuid = uuid(idOrSlug);
        if (uuid.isPresent()) { // a slug may look like a uuid too: the uuid wins
            Optional<RealmRow> byId = Sql.one(c, "SELECT " + COLUMNS + " FROM realms WHERE id = ?", RealmRow::map, uuid.get());
            if (byId.isPresent()) {
                return byId;
            }
        }
        return Sql.one(c, "SELECT " + COLUMNS + " FROM realms WHERE realm_id = ?", RealmRow::map, idOrSlug);
    }

    /** The realm, or 404 realm_not_found naming {@code field}'s value. */
    static RealmRow require(Connection c, String idOrSlug, String field) throws SQLException {
        return find(c, idOrSlug).orElseThrow(() -> new CairnException(Problem.of(ErrorCode.REALM_NOT_FOUND,
                "realm " + idOrSlug + " does not exist").with("field", field).with("realmId", idOrSlug)));
    }

    static Optional<UUID> uuid(String text) {
        if (text.length() != 36) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static RealmRow map(ResultSet rs) throws SQLException {
        return new RealmRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                Optional.ofNullable(rs.getObject(4, UUID.class)), Optional.ofNullable(rs.getString(5)),
                Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)));
    }
}
