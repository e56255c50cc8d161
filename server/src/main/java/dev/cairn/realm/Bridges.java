package dev.cairn.realm;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Judging bridges inside the caller's transaction: when one is established, and again when a
 * contract its realms follow changes (a version added or deleted, a realm naming another). Each
 * change of a side's contract appends one history entry: {@code local-minor}/{@code local-major}
 * or {@code remote-minor}/{@code remote-major} (major when the contract's name or major version
 * changed), or a single {@code broken} entry when the bridge was compatible and is no longer.
 */
final class Bridges {

    private Bridges() {
    }

    private static final String SELECT = """
            SELECT b.id, b.local_contract, b.remote_contract, b.compatible, l.realm_id, l.contract_name,
                   l.contract_version, r.realm_id, r.contract_name, r.contract_version
            FROM realm_bridges b JOIN realms l ON l.id = b.local_realm JOIN realms r ON r.id = b.remote_realm
            WHERE """;

    private record Stored(UUID id, Optional<String> localContract, Optional<String> remoteContract, boolean compatible,
                          String localRealm, Optional<String> localName, Optional<String> localVersion,
                          String remoteRealm, Optional<String> remoteName, Optional<String> remoteVersion) {
    }

    static Compatibility.Side side(Connection c, String realmId, Optional<String> contractName,
                                   Optional<String> contractVersion) throws SQLException {
        Optional<ContractStore.Row> contract = contractName.isEmpty() ? Optional.empty()
                : ContractStore.find(c, contractName.get(), contractVersion);
        return new Compatibility.Side(realmId, contractName, contract);
    }

    /**
     * Re-judges the bridges {@code condition} selects (over {@code b} the bridge, {@code l} and
     * {@code r} its realms; a constant of the caller, its values bound). Returns how many changed.
     */
    static int recompute(Connection c, String condition, Object... params) throws SQLException {
        int changed = 0;
        for (Stored s : Sql.list(c, SELECT + condition + " ORDER BY b.id FOR UPDATE OF b", Bridges::stored, params)) {
            Compatibility.Side local = side(c, s.localRealm, s.localName, s.localVersion);
            Compatibility.Side remote = side(c, s.remoteRealm, s.remoteName, s.remoteVersion);
            boolean localMoved = !local.label().equals(s.localContract);
            boolean remoteMoved = !remote.label().equals(s.remoteContract);
            if (!localMoved && !remoteMoved) {
                continue;
            }
            Compatibility.Judgement j = Compatibility.judge(local, remote);
            save(c, s.id, j, local, remote);
            if (s.compatible && !j.compatible()) {
                Map<String, Object> details = details(j, local, remote);
                details.put("localFrom", s.localContract.orElse(null));
                details.put("remoteFrom", s.remoteContract.orElse(null));
                history(c, s.id, "broken", details);
            } else {
                if (localMoved) {
                    history(c, s.id, "local-" + size(s.localContract, local.label()), move(j, local, remote, s.localContract));
                }
                if (remoteMoved) {
                    history(c, s.id, "remote-" + size(s.remoteContract, remote.label()), move(j, local, remote, s.remoteContract));
                }
            }
            changed++;
        }
        return changed;
    }

    /** A new bridge's first judgement and its {@code established} entry. */
    static void establish(Connection c, UUID id, Compatibility.Side local, Compatibility.Side remote) throws SQLException {
        Compatibility.Judgement j = Compatibility.judge(local, remote);
        save(c, id, j, local, remote);
        history(c, id, "established", details(j, local, remote));
    }

    private static void save(Connection c, UUID id, Compatibility.Judgement j, Compatibility.Side local,
                             Compatibility.Side remote) throws SQLException {
        Sql.update(c, """
                UPDATE realm_bridges SET status = ?, compatible = ?, errors = ?::jsonb, warnings = ?::jsonb,
                       local_contract = ?, remote_contract = ?, updated_at = now() WHERE id = ?""",
                j.compatible() ? "active" : "broken", j.compatible(), RealmJson.write(j.errors()),
                RealmJson.write(j.warnings()), local.label(), remote.label(), id);
    }

    /** major: another contract, a contract gained or lost, or another major version. */
    private static String size(Optional<String> before, Optional<String> after) {
        if (before.isEmpty() || after.isEmpty()) {
            return "major";
        }
        String[] b = before.get().split("@", 2);
        String[] a = after.get().split("@", 2);
        Optional<Semver> bv = Semver.parse(b[1]);
        Optional<Semver> av = Semver.parse(a[1]);
        boolean sameMajor = b[0].equals(a[0]) && bv.isPresent() && av.isPresent() && bv.get().major() == av.get().major();
        return sameMajor ? "minor" : "major";
    }

    private static Map<String, Object> move(Compatibility.Judgement j, Compatibility.Side local, Compatibility.Side remote,
                                            Optional<String> from) {
        Map<String, Object> details = details(j, local, remote);
        details.put("from", from.orElse(null));
        return details;
    }

    private static Map<String, Object> details(Compatibility.Judgement j, Compatibility.Side local,
                                               Compatibility.Side remote) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("compatible", j.compatible());
        d.put("localContract", local.label().orElse(null));
        d.put("remoteContract", remote.label().orElse(null));
        d.put("errors", j.errors());
        d.put("warnings", j.warnings());
        return d;
    }

    private static void history(Connection c, UUID bridge, String type, Map<String, Object> details) throws SQLException {
        Sql.update(c, "INSERT INTO realm_bridge_history (bridge, change_type, details) VALUES (?, ?, ?::jsonb)",
                bridge, type, RealmJson.write(details));
    }

    private static Stored stored(ResultSet rs) throws SQLException {
        return new Stored(rs.getObject(1, UUID.class), Optional.ofNullable(rs.getString(2)),
                Optional.ofNullable(rs.getString(3)), rs.getBoolean(4), rs.getString(5),
                Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)), rs.getString(8),
                Optional.ofNullable(rs.getString(9)), Optional.ofNullable(rs.getString(10)));
    }
}
