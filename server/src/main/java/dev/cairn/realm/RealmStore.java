package dev.cairn.realm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.ControlDatabase;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The realm tree in the control database: the {@link RealmDirectory} the identity and mesh code read
 * (from the {@link RealmCache}) and the realm writes of {@code /api/realms} (docs/realms.md). Every
 * write is one transaction and drops the cache when it commits. Platform and tenant realms
 * ({@code managed_by}) follow their platform and database: they are edited here but never re-parented,
 * retyped or deleted.
 */
public final class RealmStore implements RealmDirectory {

    static final Set<String> TYPES = Set.of("root", "service", "tenant", "environment", "department");
    private static final Pattern REALM_ID = Pattern.compile("^[a-z0-9][a-z0-9.\\-/]*$");
    private static final Pattern VERSION = Pattern.compile("^\\d+\\.\\d+\\.\\d+$");
    private static final int MAX_ID = 200;
    private static final Set<String> FIELDS = Set.of("realmId", "displayName", "realmType", "description",
            "contractName", "contractVersion", "policies", "inheritPolicies", "metadata", "parentRealmId");

    private static final String VIEW = """
            SELECT r.id, r.realm_id, r.display_name, r.realm_type, r.description, r.contract_name, r.contract_version,
                   r.policies, r.inherit_policies, r.metadata::text, r.parent, p.realm_id, r.created_at, r.updated_at,
                   r.managed_by, (SELECT count(*) FROM realm_members m WHERE m.realm = r.id),
                   (SELECT count(*) FROM realms c WHERE c.parent = r.id)
            FROM realms r LEFT JOIN realms p ON p.id = r.parent""";

    private final ControlDatabase control;
    private final RealmCache cache;

    RealmStore(ControlDatabase control, RealmCache cache) {
        this.control = control;
        this.cache = cache;
    }

    // ---- the directory, from the cache

    @Override
    public Optional<Realm> realm(String realmId) {
        return cache.get().realm(realmId);
    }

    @Override
    public List<Realm> ancestors(String realmId) {
        return cache.get().ancestors(realmId);
    }

    @Override
    public List<Realm> children(String realmId) {
        return cache.get().children().getOrDefault(realmId, List.of());
    }

    @Override
    public Optional<Member> member(String memberId) {
        return Optional.ofNullable(cache.get().members().get(memberId));
    }

    @Override
    public Optional<Member> memberByApiKey(String apiKey) {
        if (!apiKey.startsWith(MemberStore.KEY_PREFIX) || apiKey.length() < MemberStore.LOOKUP_CHARS) {
            return Optional.empty();
        }
        Snapshot s = cache.get();
        byte[] hash = MemberStore.hash(apiKey).getBytes(StandardCharsets.US_ASCII);
        return s.keysByPrefix().getOrDefault(apiKey.substring(0, MemberStore.LOOKUP_CHARS), List.of()).stream()
                .filter(k -> !k.suspended() && MessageDigest.isEqual(hash, k.hash().getBytes(StandardCharsets.US_ASCII)))
                .findFirst().map(k -> s.members().get(k.memberId()));
    }

    @Override
    public Optional<Member> memberByCertificate(String subjectDn, List<String> subjectAltNames) {
        Snapshot s = cache.get();
        List<String> names = new ArrayList<>();
        names.add(subjectDn);
        names.addAll(subjectAltNames);
        return names.stream().filter(n -> !n.isBlank())
                .map(n -> s.memberByCertificate().get(Certificates.normalize(n)))
                .filter(java.util.Objects::nonNull).findFirst().map(id -> s.members().get(id));
    }

    @Override
    public List<Member> members(String realmId) {
        return cache.get().membersByRealm().getOrDefault(realmId, List.of());
    }

    // ---- /api/realms

    /** The filters of {@code GET /api/realms}; {@code parent} is a uuid or a slug. */
    public record Query(Optional<String> realmType, Optional<String> parent, Optional<String> search) {
    }

    public Map<String, Object> list(Query query, Page page) {
        return control.inTransaction(c -> {
            StringBuilder where = new StringBuilder(" WHERE true");
            List<Object> params = new ArrayList<>();
            if (query.realmType().isPresent()) {
                where.append(" AND r.realm_type = ?");
                params.add(query.realmType().get());
            }
            if (query.parent().isPresent()) {
                where.append(" AND r.parent = ?");
                params.add(RealmRow.require(c, query.parent().get(), "parentRealmId").id());
            }
            if (query.search().isPresent()) {
                where.append(" AND (r.realm_id ILIKE ? OR r.display_name ILIKE ? OR r.description ILIKE ?)");
                String like = like(query.search().get());
                params.add(like);
                params.add(like);
                params.add(like);
            }
            long total = Sql.one(c, "SELECT count(*) FROM realms r" + where, rs -> rs.getLong(1), params.toArray()).orElse(0L);
            params.add(page.pageSize());
            params.add(page.offset());
            List<Map<String, Object>> realms = Sql.list(c, VIEW + where + " ORDER BY r.realm_id LIMIT ? OFFSET ?",
                    RealmStore::view, params.toArray());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("realms", realms);
            out.put("total", total);
            out.put("page", page.page());
            out.put("pageSize", page.pageSize());
            return out;
        });
    }

    /** {@code %} and {@code _} in a search are themselves, not wildcards. */
    static String like(String search) {
        return "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    public Map<String, Object> get(String idOrSlug) {
        return control.inTransaction(c -> view(c, RealmRow.require(c, idOrSlug, "id").id()));
    }

    public Map<String, Object> create(JsonNode body) {
        Fields.only(body, "", FIELDS);
        String realmId = Fields.requiredText(body, "", "realmId");
        if (realmId.length() > MAX_ID || !REALM_ID.matcher(realmId).matches() || realmId.contains("//")
                || realmId.endsWith("/")) {
            throw Fields.invalid("realmId", "must be lower-case letters, digits, '.', '-' and '/' (not first, no empty segment),"
                    + " at most " + MAX_ID + " characters: " + realmId);
        }
        String type = Fields.text(body, "", "realmType").orElse("service");
        Map<String, Object> created = control.inTransaction(c -> {
            Optional<RealmRow> parent = Fields.text(body, "", "parentRealmId").isPresent()
                    ? Optional.of(RealmRow.require(c, Fields.text(body, "", "parentRealmId").get(), "parentRealmId"))
                    : Optional.empty();
            Settings s = settings(c, body, new Settings(type, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), List.of(), true, "{}"));
            checkType(s.type, parent.isPresent());
            int inserted = Sql.update(c, """
                    INSERT INTO realms (realm_id, display_name, realm_type, description, parent, contract_name,
                                        contract_version, policies, inherit_policies, metadata)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (realm_id) DO NOTHING""",
                    realmId, s.displayName, s.type, s.description, parent.map(RealmRow::id), s.contractName,
                    s.contractVersion, s.policies, s.inheritPolicies, s.metadata);
            if (inserted == 0) {
                throw new CairnException(Problem.of(ErrorCode.ALREADY_EXISTS, "realm " + realmId + " already exists")
                        .with("realmId", realmId));
            }
            return view(c, RealmRow.require(c, realmId, "realmId").id());
        });
        cache.invalidate();
        return created;
    }

    public Map<String, Object> update(String idOrSlug, JsonNode body) {
        Fields.only(body, "", FIELDS);
        Map<String, Object> updated = control.inTransaction(c -> {
            RealmRow row = RealmRow.require(c, idOrSlug, "id");
            Fields.text(body, "", "realmId").filter(id -> !id.equals(row.realmId())).ifPresent(id -> {
                throw Fields.invalid("realmId", "cannot change (members' ids are made of it); create another realm");
            });
            Settings current = current(c, row.id());
            Settings s = settings(c, body, current);
            Optional<UUID> parent = newParent(c, row, body);
            if (row.managedBy().isPresent() && (!s.type.equals(row.realmType()) || !parent.equals(row.parent()))) {
                throw managed(row, "its realmType and parent follow the fleet");
            }
            checkType(s.type, parent.isPresent());
            Sql.update(c, """
                    UPDATE realms SET display_name = ?, realm_type = ?, description = ?, parent = ?, contract_name = ?,
                           contract_version = ?, policies = ?, inherit_policies = ?, metadata = ?::jsonb, updated_at = now()
                    WHERE id = ?""", s.displayName, s.type, s.description, parent, s.contractName, s.contractVersion,
                    s.policies, s.inheritPolicies, s.metadata, row.id());
            if (!s.contractName.equals(current.contractName) || !s.contractVersion.equals(current.contractVersion)) {
                Bridges.recompute(c, "(b.local_realm = ? OR b.remote_realm = ?)", row.id(), row.id());
            }
            return view(c, row.id());
        });
        cache.invalidate();
        return updated;
    }

    public void delete(String idOrSlug) {
        control.inTransaction(c -> {
            RealmRow row = RealmRow.require(c, idOrSlug, "id");
            if (row.managedBy().isPresent()) {
                throw managed(row, "it is deleted with its " + (row.managedBy().get().equals("platform") ? "platform"
                        : "tenant's databases"));
            }
            long children = Sql.one(c, "SELECT count(*) FROM realms WHERE parent = ?", rs -> rs.getLong(1), row.id())
                    .orElse(0L);
            if (children > 0) {
                throw new CairnException(Problem.of(ErrorCode.REALM_HAS_CHILDREN, "realm " + row.realmId() + " has "
                        + children + " child realm(s); delete or move them first")
                        .with("realmId", row.realmId()).with("childCount", children));
            }
            return Sql.update(c, "DELETE FROM realms WHERE id = ?", row.id());
        });
        cache.invalidate();
    }

    private static CairnException managed(RealmRow row, String why) {
        String owner = row.managedBy().orElseThrow().equals("platform") ? "platform " + row.realmId()
                : "tenant " + row.realmId();
        return new CairnException(Problem.of(ErrorCode.CONFLICT, "realm " + row.realmId() + " is the realm of "
                + owner + ": " + why).with("realmId", row.realmId()).with("managedBy", row.managedBy().get()));
    }

    /** What a realm write sets besides its id and parent. */
    private record Settings(String type, Optional<String> displayName, Optional<String> description,
                            Optional<String> contractName, Optional<String> contractVersion, List<String> policies,
                            boolean inheritPolicies, String metadata) {
    }

    private static Settings current(Connection c, UUID id) throws SQLException {
        return Sql.one(c, """
                SELECT realm_type, display_name, description, contract_name, contract_version, policies,
                       inherit_policies, metadata::text FROM realms WHERE id = ?""",
                rs -> new Settings(rs.getString(1), Optional.ofNullable(rs.getString(2)),
                        Optional.ofNullable(rs.getString(3)), Optional.ofNullable(rs.getString(4)),
                        Optional.ofNullable(rs.getString(5)), Snapshot.strings(rs.getArray(6)), rs.getBoolean(7),
                        rs.getString(8)), id).orElseThrow();
    }

    /** The body's fields over {@code base}: a field sent as null clears it. */
    private static Settings settings(Connection c, JsonNode body, Settings base) throws SQLException {
        String type = Fields.text(body, "", "realmType").orElse(base.type);
        if (!TYPES.contains(type)) {
            throw Fields.invalid("realmType", "must be root, service, tenant, environment or department");
        }
        Optional<String> contractName = optional(body, "contractName", base.contractName);
        Optional<String> contractVersion = optional(body, "contractVersion", base.contractVersion);
        if (contractVersion.isPresent() && !VERSION.matcher(contractVersion.get()).matches()) {
            throw Fields.invalid("contractVersion", "must be a version x.y.z");
        }
        if (contractVersion.isPresent() && contractName.isEmpty()) {
            throw Fields.invalid("contractVersion", "needs a contractName");
        }
        if (contractName.isPresent()) {
            ContractStore.requireExists(c, contractName.get(), contractVersion, "contractName");
        }
        List<String> policies = Fields.strings(body, "", "policies").orElse(base.policies);
        PolicyStore.requireExist(c, policies);
        String metadata = Fields.objectField(body, "", "metadata").map(RealmJson::write).orElse(base.metadata);
        return new Settings(type, optional(body, "displayName", base.displayName),
                optional(body, "description", base.description), contractName, contractVersion,
                List.copyOf(new java.util.LinkedHashSet<>(policies)),
                Fields.bool(body, "", "inheritPolicies").orElse(base.inheritPolicies), metadata);
    }

    private static Optional<String> optional(JsonNode body, String field, Optional<String> base) {
        if (body.has(field) && body.get(field).isNull()) {
            return Optional.empty();
        }
        return Fields.text(body, "", field).or(() -> base);
    }

    private static void checkType(String type, boolean hasParent) {
        if (type.equals("root") && hasParent) {
            throw Fields.invalid("realmType", "root is for a realm without a parent");
        }
    }

    /** The parent after an update: unchanged, another realm (never the realm itself or beneath it), or none (null). */
    private static Optional<UUID> newParent(Connection c, RealmRow row, JsonNode body) throws SQLException {
        if (!body.has("parentRealmId")) {
            return row.parent();
        }
        if (body.get("parentRealmId").isNull()) {
            return Optional.empty();
        }
        RealmRow parent = RealmRow.require(c, Fields.text(body, "", "parentRealmId").orElseThrow(), "parentRealmId");
        boolean cycle = Sql.one(c, """
                WITH RECURSIVE up (id, parent) AS (
                    SELECT id, parent FROM realms WHERE id = ?
                    UNION SELECT r.id, r.parent FROM realms r JOIN up ON r.id = up.parent)
                SELECT 1 FROM up WHERE id = ?""", rs -> true, parent.id(), row.id()).isPresent();
        if (cycle) {
            throw Fields.invalid("parentRealmId", "realm " + parent.realmId() + " is " + row.realmId()
                    + " or lies beneath it");
        }
        return Optional.of(parent.id());
    }

    private static Map<String, Object> view(Connection c, UUID id) throws SQLException {
        return Sql.one(c, VIEW + " WHERE r.id = ?", RealmStore::view, id).orElseThrow();
    }

    private static Map<String, Object> view(ResultSet rs) throws SQLException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", rs.getString(1));
        r.put("realmId", rs.getString(2));
        r.put("displayName", rs.getString(3));
        r.put("realmType", rs.getString(4));
        r.put("description", rs.getString(5));
        r.put("contractName", rs.getString(6));
        r.put("contractVersion", rs.getString(7));
        r.put("policies", Snapshot.strings(rs.getArray(8)));
        r.put("inheritPolicies", rs.getBoolean(9));
        r.put("metadata", RealmJson.read(rs.getString(10)));
        r.put("parentRealmId", rs.getString(11));
        r.put("parentRealm", rs.getString(12));
        r.put("createdAt", Sql.time(rs.getTimestamp(13)));
        r.put("updatedAt", Sql.time(rs.getTimestamp(14)));
        r.put("managedBy", rs.getString(15));
        r.put("memberCount", rs.getLong(16));
        r.put("childCount", rs.getLong(17));
        return r;
    }
}
