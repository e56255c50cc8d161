package dev.cairn.realm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.ControlDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Bridges between two realms ({@code /api/bridges}): their contracts' compatibility and its history ({@link Bridges}). */
public final class BridgeStore {

    private static final Set<String> FIELDS = Set.of("name", "localRealmId", "remoteRealmId");
    private static final String VIEW = """
            SELECT b.id, b.name, l.id, l.realm_id, r.id, r.realm_id, b.status, b.compatible, b.errors::text,
                   b.warnings::text, b.local_contract, b.remote_contract, b.created_at, b.updated_at
            FROM realm_bridges b JOIN realms l ON l.id = b.local_realm JOIN realms r ON r.id = b.remote_realm""";

    private final ControlDatabase control;

    BridgeStore(ControlDatabase control) {
        this.control = control;
    }

    public Map<String, Object> list() {
        List<Map<String, Object>> bridges = control.inTransaction(c -> Sql.list(c, VIEW + " ORDER BY b.name",
                BridgeStore::view));
        return Map.of("bridges", bridges, "total", bridges.size());
    }

    /** The bridge with its history, oldest entry first. */
    public Map<String, Object> get(String id) {
        return control.inTransaction(c -> withHistory(c, require(c, id)));
    }

    public Map<String, Object> create(JsonNode body) {
        Fields.only(body, "", FIELDS);
        String localId = Fields.requiredText(body, "", "localRealmId");
        String remoteId = Fields.requiredText(body, "", "remoteRealmId");
        Optional<String> name = Fields.text(body, "", "name");
        if (name.isPresent() && (name.get().isBlank() || name.get().length() > 200)) {
            throw Fields.invalid("name", "must be 1 to 200 characters");
        }
        return control.inTransaction(c -> {
            RealmRow local = RealmRow.require(c, localId, "localRealmId");
            RealmRow remote = RealmRow.require(c, remoteId, "remoteRealmId");
            if (local.id().equals(remote.id())) {
                throw Fields.invalid("remoteRealmId", "must be another realm than the local one");
            }
            String bridgeName = name.orElse(local.realmId() + "--" + remote.realmId());
            Optional<UUID> id = Sql.one(c, """
                    INSERT INTO realm_bridges (name, local_realm, remote_realm, status, compatible)
                    VALUES (?, ?, ?, 'active', true) ON CONFLICT DO NOTHING RETURNING id""",
                    rs -> rs.getObject(1, UUID.class), bridgeName, local.id(), remote.id());
            if (id.isEmpty()) {
                throw new CairnException(Problem.of(ErrorCode.ALREADY_EXISTS, "a bridge named " + bridgeName
                        + " or from " + local.realmId() + " to " + remote.realmId() + " already exists")
                        .with("name", bridgeName));
            }
            Bridges.establish(c, id.get(), Bridges.side(c, local.realmId(), local.contractName(), local.contractVersion()),
                    Bridges.side(c, remote.realmId(), remote.contractName(), remote.contractVersion()));
            return withHistory(c, id.get());
        });
    }

    public void delete(String id) {
        control.inTransaction(c -> Sql.update(c, "DELETE FROM realm_bridges WHERE id = ?", require(c, id)));
    }

    private static UUID require(Connection c, String id) throws SQLException {
        Optional<UUID> uuid = RealmRow.uuid(id);
        Optional<UUID> found = uuid.isPresent()
                ? Sql.one(c, "SELECT id FROM realm_bridges WHERE id = ?", rs -> rs.getObject(1, UUID.class), uuid.get())
                : Sql.one(c, "SELECT id FROM realm_bridges WHERE name = ?", rs -> rs.getObject(1, UUID.class), id);
        return found.orElseThrow(() -> new CairnException(Problem.of(ErrorCode.BRIDGE_NOT_FOUND,
                "bridge " + id + " does not exist").with("bridgeId", id)));
    }

    private static Map<String, Object> withHistory(Connection c, UUID id) throws SQLException {
        Map<String, Object> bridge = Sql.one(c, VIEW + " WHERE b.id = ?", BridgeStore::view, id).orElseThrow();
        bridge.put("history", Sql.list(c, "SELECT change_type, details::text, at FROM realm_bridge_history"
                + " WHERE bridge = ? ORDER BY id", rs -> {
                    Map<String, Object> h = new LinkedHashMap<>();
                    h.put("changeType", rs.getString(1));
                    h.put("details", RealmJson.read(rs.getString(2)));
                    h.put("at", Sql.time(rs.getTimestamp(3)));
                    return h;
                }, id));
        return bridge;
    }

    private static Map<String, Object> view(ResultSet rs) throws SQLException {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", rs.getString(1));
        b.put("name", rs.getString(2));
        b.put("localRealmId", rs.getString(3));
        b.put("localRealm", rs.getString(4));
        b.put("remoteRealmId", rs.getString(5));
        b.put("remoteRealm", rs.getString(6));
        b.put("status", rs.getString(7));
        b.put("compatible", rs.getBoolean(8));
        b.put("compatibilityErrors", RealmJson.read(rs.getString(9)));
        b.put("compatibilityWarnings", RealmJson.read(rs.getString(10)));
        b.put("localContract", rs.getString(11));
        b.put("remoteContract", rs.getString(12));
        b.put("createdAt", Sql.time(rs.getTimestamp(13)));
        b.put("updatedAt", Sql.time(rs.getTimestamp(14)));
        return b;
    }
}
