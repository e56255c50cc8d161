package dev.cairn.realm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.realm.RealmDirectory.Member;
import dev.cairn.realm.RealmDirectory.Realm;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole realm tree as the directory and the rules read it: realms, members (with their key
 * hashes and certificate subjects) and parsed policies, read in one transaction and never changed
 * afterwards; {@link RealmStore} replaces it whole when it expires or after a local write.
 */
record Snapshot(Map<String, Realm> realms, Map<String, List<Realm>> children, Map<String, Member> members,
                Map<String, List<Member>> membersByRealm, Map<String, List<Key>> keysByPrefix,
                Map<String, String> memberByCertificate, Map<String, PolicyConfig> policies) {

    /** A member's key as stored: its hash, and whether the member may use it. */
    record Key(String memberId, String hash, boolean suspended) {
    }

    static Snapshot load(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")) {
            ps.execute(); // the three reads see one state of the tree
        }
        Map<String, Realm> realms = new HashMap<>();
        Map<String, List<Realm>> children = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT r.id, r.realm_id, r.realm_type, p.realm_id, r.inherit_policies, r.policies, r.contract_name,
                       r.contract_version
                FROM realms r LEFT JOIN realms p ON p.id = r.parent ORDER BY r.realm_id""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Realm realm = new Realm(rs.getString(1), rs.getString(2), rs.getString(3),
                        Optional.ofNullable(rs.getString(4)), rs.getBoolean(5), strings(rs.getArray(6)),
                        Optional.ofNullable(rs.getString(7)), Optional.ofNullable(rs.getString(8)));
                realms.put(realm.realmId(), realm);
                realm.parentRealmId().ifPresent(p -> children.computeIfAbsent(p, k -> new ArrayList<>()).add(realm));
            }
        }
        Map<String, List<Realm>> frozenChildren = new HashMap<>();
        children.forEach((k, v) -> frozenChildren.put(k, List.copyOf(v)));
        Members members = members(c);
        return new Snapshot(Map.copyOf(realms), Map.copyOf(frozenChildren), members.members, members.byRealm,
                members.keys, members.certificates, policies(c));
    }

    private record Members(Map<String, Member> members, Map<String, List<Member>> byRealm,
                           Map<String, List<Key>> keys, Map<String, String> certificates) {
    }

    private static Members members(Connection c) throws SQLException {
        Map<String, Member> members = new HashMap<>();
        Map<String, List<Member>> byRealm = new HashMap<>();
        Map<String, List<Key>> keys = new HashMap<>();
        Map<String, String> certs = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT m.member_id, r.realm_id, m.name, m.member_type, m.contract_name, m.contract_version, m.roles,
                       m.api_key_prefix, m.api_key_hash, m.status, m.certificate_subject
                FROM realm_members m JOIN realms r ON r.id = m.realm ORDER BY m.member_id""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Member m = new Member(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)),
                        strings(rs.getArray(7)));
                members.put(m.memberId(), m);
                byRealm.computeIfAbsent(m.realmId(), k -> new ArrayList<>()).add(m);
                keys.computeIfAbsent(rs.getString(8), k -> new ArrayList<>())
                        .add(new Key(m.memberId(), rs.getString(9), rs.getString(10).equals("suspended")));
                String subject = rs.getString(11);
                if (subject != null && !rs.getString(10).equals("suspended")) {
                    certs.put(Certificates.normalize(subject), m.memberId());
                }
            }
        }
        Map<String, List<Member>> frozenByRealm = new HashMap<>();
        byRealm.forEach((k, v) -> frozenByRealm.put(k, List.copyOf(v)));
        Map<String, List<Key>> frozenKeys = new HashMap<>();
        keys.forEach((k, v) -> frozenKeys.put(k, List.copyOf(v)));
        return new Members(Map.copyOf(members), Map.copyOf(frozenByRealm), Map.copyOf(frozenKeys), Map.copyOf(certs));
    }

    private static Map<String, PolicyConfig> policies(Connection c) throws SQLException {
        Map<String, PolicyConfig> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name, type, config::text FROM realm_policies");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                JsonNode config = RealmJson.read(rs.getString(3));
                out.put(rs.getString(1), PolicyConfig.parse(rs.getString(1), rs.getString(2), config));
            }
        }
        return Map.copyOf(out);
    }

    static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return List.of((String[]) array.getArray());
    }

    Optional<Realm> realm(String realmId) {
        return Optional.ofNullable(realms.get(realmId));
    }

    /** Nearest first; a cycle (which writes prevent) ends the walk instead of looping. */
    List<Realm> ancestors(String realmId) {
        List<Realm> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Optional<Realm> current = realm(realmId);
        while (current.isPresent() && current.get().parentRealmId().isPresent() && seen.add(current.get().realmId())) {
            current = realm(current.get().parentRealmId().get());
            current.ifPresent(out::add);
        }
        return List.copyOf(out);
    }

    /**
     * The realm's effective policies, in order: its own, then its parent's while the child's
     * {@code inheritPolicies} holds, up to the root; a name seen twice counts once.
     */
    List<PolicyConfig> effectivePolicies(String realmId) {
        Set<String> names = new LinkedHashSet<>();
        Optional<Realm> current = realm(realmId);
        Set<String> seen = new LinkedHashSet<>();
        while (current.isPresent() && seen.add(current.get().realmId())) {
            Realm r = current.get();
            names.addAll(r.policies());
            current = r.inheritPolicies() ? r.parentRealmId().flatMap(this::realm) : Optional.empty();
        }
        return names.stream().map(policies::get).filter(java.util.Objects::nonNull).toList();
    }
}
