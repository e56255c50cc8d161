package dev.cairn.realm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.ControlDatabase;
import dev.cairn.sql.Checksums;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Realm members ({@code /api/members}): {@code <realm slug>/<name>}, each with an API key shown once
 * ({@code rm_} and 32 random bytes, base64url). Only the key's SHA-256 is kept, beside its first
 * characters so {@link RealmStore#memberByApiKey} finds the row without scanning; a fast hash is
 * right for a key of that entropy (as for platform tokens). Rotating a key replaces the hash, so the
 * old key stops at once on this instance and within the cache's TTL on the others.
 */
public final class MemberStore {

    static final String KEY_PREFIX = "rm_";
    /** {@code rm_} and 8 characters of the key: what the prefix column holds. */
    static final int LOOKUP_CHARS = 11;

    static final Set<String> TYPES = Set.of("consumer", "provider", "agent-runtime", "hybrid");
    private static final Set<String> STATUSES = Set.of("offline", "online", "suspended");
    private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._\\-]{0,99}$");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> CREATE = Set.of("name", "realmId", "memberType", "contractName", "contractVersion",
            "metadata", "roles", "certificateSubject");
    private static final Set<String> UPDATE = Set.of("name", "realmId", "memberType", "contractName", "contractVersion",
            "metadata", "roles", "certificateSubject", "status");

    private static final String VIEW = """
            SELECT m.member_id, m.name, r.realm_id, r.id, m.member_type, m.contract_name, m.contract_version,
                   m.metadata::text, m.roles, m.certificate_subject, m.status, m.api_key_prefix, m.created_at, m.updated_at
            FROM realm_members m JOIN realms r ON r.id = m.realm""";

    private final ControlDatabase control;
    private final RealmCache cache;

    MemberStore(ControlDatabase control, RealmCache cache) {
        this.control = control;
        this.cache = cache;
    }

    /** The filters of {@code GET /api/members}; {@code realm} is a uuid or a slug. */
    public record Query(Optional<String> realm, Optional<String> memberType, Optional<String> status,
                        Optional<String> search) {
    }

    public Map<String, Object> list(Query query, Page page) {
        return control.inTransaction(c -> {
            StringBuilder where = new StringBuilder(" WHERE true");
            List<Object> params = new ArrayList<>();
            if (query.realm().isPresent()) {
                where.append(" AND m.realm = ?");
                params.add(RealmRow.require(c, query.realm().get(), "realmId").id());
            }
            query.memberType().ifPresent(t -> {
                where.append(" AND m.member_type = ?");
                params.add(t);
            });
            query.status().ifPresent(s -> {
                where.append(" AND m.status = ?");
                params.add(s);
            });
            if (query.search().isPresent()) {
                where.append(" AND (m.member_id ILIKE ? OR m.name ILIKE ?)");
                params.add(RealmStore.like(query.search().get()));
                params.add(RealmStore.like(query.search().get()));
            }
            long total = Sql.one(c, "SELECT count(*) FROM realm_members m" + where, rs -> rs.getLong(1),
                    params.toArray()).orElse(0L);
            params.add(page.pageSize());
            params.add(page.offset());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("members", Sql.list(c, VIEW + where + " ORDER BY m.member_id LIMIT ? OFFSET ?", MemberStore::view,
                    params.toArray()));
            out.put("total", total);
            out.put("page", page.page());
            out.put("pageSize", page.pageSize());
            return out;
        });
    }

    public Map<String, Object> get(String memberId) {
        return control.inTransaction(c -> view(c, require(c, memberId)));
    }

    /** The new member with its {@code apiKey}, which is never shown again. */
    public Map<String, Object> create(JsonNode body) {
        Fields.only(body, "", CREATE);
        String name = Fields.requiredText(body, "", "name");
        String slugName = name.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", "-");
        if (!NAME.matcher(slugName).matches()) {
            throw Fields.invalid("name", "must become a name of lower-case letters, digits, '.', '_' and '-' (spaces turn"
                    + " into '-'), at most 100 characters: " + name);
        }
        String type = memberType(body).orElseThrow(() -> Fields.invalid("memberType",
                "is required (consumer, provider, agent-runtime or hybrid)"));
        String key = newKey();
        Map<String, Object> created = control.inTransaction(c -> {
            RealmRow realm = RealmRow.require(c, Fields.requiredText(body, "", "realmId"), "realmId");
            String memberId = realm.realmId() + "/" + slugName;
            Contract contract = contract(c, body, new Contract(Optional.empty(), Optional.empty()));
            Optional<String> subject = Fields.text(body, "", "certificateSubject");
            int inserted = Sql.update(c, """
                    INSERT INTO realm_members (member_id, realm, name, member_type, contract_name, contract_version,
                                               metadata, roles, certificate_subject, api_key_prefix, api_key_hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                    memberId, realm.id(), name.strip(), type, contract.name, contract.version, metadata(body, "{}"),
                    roles(body, List.of()), subject, key.substring(0, LOOKUP_CHARS), hash(key));
            if (inserted == 0) {
                throw duplicate(c, memberId, subject);
            }
            return view(c, memberId);
        });
        cache.invalidate();
        Map<String, Object> out = new LinkedHashMap<>(created);
        out.put("apiKey", key);
        return out;
    }

    public Map<String, Object> update(String memberId, JsonNode body) {
        Fields.only(body, "", UPDATE);
        Map<String, Object> updated = control.inTransaction(c -> {
            String id = require(c, memberId);
            Map<String, Object> current = view(c, id);
            unchanged(body, "name", (String) current.get("name"));
            Fields.text(body, "", "realmId").filter(r -> !r.equals(current.get("realmId")) && !r.equals(current.get("realmUuid")))
                    .ifPresent(r -> {
                        throw Fields.invalid("realmId", "cannot change; create the member in the other realm");
                    });
            Contract contract = contract(c, body, new Contract(Optional.ofNullable((String) current.get("contractName")),
                    Optional.ofNullable((String) current.get("contractVersion"))));
            String status = Fields.text(body, "", "status").orElse((String) current.get("status"));
            if (!STATUSES.contains(status)) {
                throw Fields.invalid("status", "must be offline, online or suspended");
            }
            Optional<String> subject = body.has("certificateSubject") && body.get("certificateSubject").isNull()
                    ? Optional.empty()
                    : Fields.text(body, "", "certificateSubject").or(() -> Optional.ofNullable((String) current.get("certificateSubject")));
            @SuppressWarnings("unchecked")
            List<String> roles = roles(body, (List<String>) current.get("roles"));
            int changed = Sql.update(c, """
                    UPDATE realm_members SET member_type = ?, contract_name = ?, contract_version = ?,
                           metadata = ?::jsonb, roles = ?, certificate_subject = ?, status = ?, updated_at = now()
                    WHERE member_id = ? AND NOT EXISTS (SELECT 1 FROM realm_members o
                                                        WHERE o.certificate_subject = ? AND o.member_id <> ?)""",
                    memberType(body).orElse((String) current.get("memberType")), contract.name, contract.version,
                    metadata(body, RealmJson.write(current.get("metadata"))), roles, subject, status, id, subject, id);
            if (changed == 0) {
                throw duplicate(c, "", subject);
            }
            return view(c, id);
        });
        cache.invalidate();
        return updated;
    }

    /** The mesh marks members online and offline; a suspended member keeps its status until an operator changes it. */
    public void setStatus(String memberId, String status) {
        if (!STATUSES.contains(status)) {
            throw Fields.invalid("status", "must be offline, online or suspended");
        }
        control.inTransaction(c -> Sql.update(c, "UPDATE realm_members SET status = ?, updated_at = now()"
                + " WHERE member_id = ? AND (status <> 'suspended' OR ? = 'suspended')", status, memberId, status));
        cache.invalidate();
    }

    public void delete(String memberId) {
        control.inTransaction(c -> Sql.update(c, "DELETE FROM realm_members WHERE member_id = ?", require(c, memberId)));
        cache.invalidate();
    }

    /** A new key for the member; the old one no longer authenticates. */
    public Map<String, Object> rotateKey(String memberId) {
        String key = newKey();
        control.inTransaction(c -> Sql.update(c, """
                UPDATE realm_members SET api_key_prefix = ?, api_key_hash = ?, updated_at = now() WHERE member_id = ?""",
                key.substring(0, LOOKUP_CHARS), hash(key), require(c, memberId)));
        cache.invalidate();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("memberId", memberId);
        out.put("apiKey", key);
        out.put("apiKeyPrefix", key.substring(0, LOOKUP_CHARS));
        return out;
    }

    static String hash(String key) {
        return Checksums.sha256Hex(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String newKey() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    private static String require(Connection c, String memberId) throws SQLException {
        return Sql.one(c, "SELECT member_id FROM realm_members WHERE member_id = ?", rs -> rs.getString(1), memberId)
                .orElseThrow(() -> new CairnException(Problem.of(ErrorCode.MEMBER_NOT_FOUND,
                        "member " + memberId + " does not exist").with("memberId", memberId)));
    }

    private static CairnException duplicate(Connection c, String memberId, Optional<String> subject) throws SQLException {
        boolean exists = Sql.one(c, "SELECT 1 FROM realm_members WHERE member_id = ?", rs -> true, memberId).isPresent();
        if (exists) {
            return new CairnException(Problem.of(ErrorCode.ALREADY_EXISTS, "member " + memberId + " already exists")
                    .with("memberId", memberId));
        }
        return new CairnException(Problem.of(ErrorCode.ALREADY_EXISTS, "another member has certificate subject "
                + subject.orElse("")).with("field", "certificateSubject"));
    }

    private static void unchanged(JsonNode body, String field, String current) {
        Fields.text(body, "", field).filter(v -> !v.strip().equals(current)).ifPresent(v -> {
            throw Fields.invalid(field, "cannot change (the member's id is made of it)");
        });
    }

    private static Optional<String> memberType(JsonNode body) {
        Optional<String> type = Fields.text(body, "", "memberType");
        if (type.isPresent() && !TYPES.contains(type.get())) {
            throw Fields.invalid("memberType", "must be consumer, provider, agent-runtime or hybrid");
        }
        return type;
    }

    private record Contract(Optional<String> name, Optional<String> version) {
    }

    private static Contract contract(Connection c, JsonNode body, Contract base) throws SQLException {
        Optional<String> name = body.has("contractName") && body.get("contractName").isNull() ? Optional.empty()
                : Fields.text(body, "", "contractName").or(base::name);
        Optional<String> version = body.has("contractVersion") && body.get("contractVersion").isNull() ? Optional.empty()
                : Fields.text(body, "", "contractVersion").or(base::version);
        if (version.isPresent() && (name.isEmpty() || Semver.parse(version.get()).isEmpty())) {
            throw Fields.invalid("contractVersion", "must be a version x.y.z beside a contractName");
        }
        if (name.isPresent()) {
            ContractStore.requireExists(c, name.get(), version, "contractName");
        }
        return new Contract(name, version);
    }

    private static String metadata(JsonNode body, String base) {
        return Fields.objectField(body, "", "metadata").map(RealmJson::write).orElse(base);
    }

    /** {@code roles}, else the metadata's {@code roles}, else what the member had. */
    private static List<String> roles(JsonNode body, List<String> base) {
        Optional<List<String>> roles = Fields.strings(body, "", "roles");
        if (roles.isPresent()) {
            return roles.get();
        }
        Optional<JsonNode> metadata = Fields.objectField(body, "", "metadata");
        if (metadata.isPresent()) {
            return Fields.strings(metadata.get(), "metadata", "roles").orElse(base);
        }
        return base;
    }

    private static Map<String, Object> view(Connection c, String memberId) throws SQLException {
        return Sql.one(c, VIEW + " WHERE m.member_id = ?", MemberStore::view, memberId).orElseThrow();
    }

    private static Map<String, Object> view(ResultSet rs) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", rs.getString(1));
        m.put("memberId", rs.getString(1));
        m.put("name", rs.getString(2));
        m.put("realmId", rs.getString(3));
        m.put("realmUuid", rs.getString(4));
        m.put("memberType", rs.getString(5));
        m.put("contractName", rs.getString(6));
        m.put("contractVersion", rs.getString(7));
        m.put("metadata", RealmJson.read(rs.getString(8)));
        m.put("roles", Snapshot.strings(rs.getArray(9)));
        m.put("certificateSubject", rs.getString(10));
        m.put("status", rs.getString(11));
        m.put("apiKeyPrefix", rs.getString(12));
        m.put("createdAt", Sql.time(rs.getTimestamp(13)));
        m.put("updatedAt", Sql.time(rs.getTimestamp(14)));
        return m;
    }
}
