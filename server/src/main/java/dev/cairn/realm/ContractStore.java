package dev.cairn.realm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.ControlDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Contracts ({@code /api/contracts}, {@code /api/capabilities}): what a realm or member provides
 * (capabilities at a version, with their services and events) and requires (capabilities at a
 * semver range). A contract version is never changed, only added or deleted; a realm names a
 * contract and perhaps a version, and without one follows the contract's latest version. Adding or
 * deleting a version re-judges, in the same transaction, every bridge of a realm that names the
 * contract ({@link Bridges}).
 */
public final class ContractStore {

    public static final String API_VERSION = "interrealm.io/v1alpha1";
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._\\-]{0,99}$");
    private static final Set<String> FIELDS = Set.of("name", "version", "description", "provided", "required");

    /** One stored contract version. */
    record Row(String name, String version, Optional<String> description, JsonNode provided, JsonNode required,
               String createdAt) {

        Semver semver() {
            return Semver.parse(version).orElse(new Semver(0, 0, 0));
        }

        String label() {
            return name + "@" + version;
        }

        Map<String, Object> view() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", name);
            out.put("version", version);
            out.put("description", description.orElse(null));
            out.put("provided", provided);
            out.put("required", required);
            out.put("createdAt", createdAt);
            return out;
        }
    }

    private final ControlDatabase control;
    private final RealmCache cache;

    ContractStore(ControlDatabase control, RealmCache cache) {
        this.control = control;
        this.cache = cache;
    }

    public Map<String, Object> list() {
        List<Map<String, Object>> contracts = control.inTransaction(ContractStore::all).stream().map(Row::view).toList();
        return Map.of("contracts", contracts, "total", contracts.size());
    }

    public Map<String, Object> get(String name, String version) {
        return control.inTransaction(c -> require(c, name, Optional.of(version)).view());
    }

    public Map<String, Object> latest(String name) {
        return control.inTransaction(c -> require(c, name, Optional.empty()).view());
    }

    public Map<String, Object> create(JsonNode body) {
        Fields.only(body, "", FIELDS);
        String name = Fields.requiredText(body, "", "name");
        if (!NAME.matcher(name).matches() || name.equals("realm")) {
            throw Fields.invalid("name", "must be letters, digits, '.', '_' and '-' (at most 100), and not 'realm': " + name);
        }
        String version = Fields.requiredText(body, "", "version");
        if (Semver.parse(version).isEmpty()) {
            throw Fields.invalid("version", "must be a version x.y.z: " + version);
        }
        ArrayNode provided = provided(body);
        ArrayNode required = required(body);
        Map<String, Object> created = control.inTransaction(c -> {
            int inserted = Sql.update(c, """
                    INSERT INTO realm_contracts (name, version, description, provided, required)
                    VALUES (?, ?, ?, ?::jsonb, ?::jsonb) ON CONFLICT DO NOTHING""", name, version,
                    Fields.text(body, "", "description"), RealmJson.write(provided), RealmJson.write(required));
            if (inserted == 0) {
                throw new CairnException(Problem.of(ErrorCode.ALREADY_EXISTS, "contract " + name + " " + version
                        + " already exists; contracts are immutable, publish another version")
                        .with("name", name).with("version", version));
            }
            Bridges.recompute(c, "(l.contract_name = ? OR r.contract_name = ?)", name, name);
            return require(c, name, Optional.of(version)).view();
        });
        cache.invalidate();
        return created;
    }

    public void delete(String name, String version) {
        control.inTransaction(c -> {
            require(c, name, Optional.of(version));
            List<String> users = Sql.list(c, """
                    SELECT realm_id FROM realms WHERE contract_name = ? AND (contract_version = ? OR (contract_version IS NULL
                        AND NOT EXISTS (SELECT 1 FROM realm_contracts WHERE name = ? AND version <> ?)))
                    UNION ALL
                    SELECT member_id FROM realm_members WHERE contract_name = ? AND (contract_version = ?
                        OR (contract_version IS NULL AND NOT EXISTS (SELECT 1 FROM realm_contracts WHERE name = ? AND version <> ?)))
                    ORDER BY 1""", rs -> rs.getString(1), name, version, name, version, name, version, name, version);
            if (!users.isEmpty()) {
                throw new CairnException(Problem.of(ErrorCode.CONFLICT, "contract " + name + " " + version
                        + " is still used by " + users).with("name", name).with("version", version).with("usedBy", users));
            }
            Sql.update(c, "DELETE FROM realm_contracts WHERE name = ? AND version = ?", name, version);
            return Bridges.recompute(c, "(l.contract_name = ? OR r.contract_name = ?)", name, name);
        });
        cache.invalidate();
    }

    /** The realm's contract with its members': {@code kind: RealmContract}, each provided capability with {@code providedBy}. */
    public Map<String, Object> realmContract(String idOrSlug) {
        return control.inTransaction(c -> {
            RealmRow realm = RealmRow.require(c, idOrSlug, "realmId");
            List<Map<String, Object>> provided = new ArrayList<>();
            List<Object> required = new ArrayList<>();
            Optional<Row> own = realm.contractName().isEmpty() ? Optional.empty()
                    : find(c, realm.contractName().get(), realm.contractVersion());
            own.ifPresent(r -> collect(r, realm.realmId(), provided, required));
            List<Map<String, Object>> members = new ArrayList<>();
            for (MemberContract m : Sql.list(c, """
                    SELECT member_id, name, member_type, status, contract_name, contract_version FROM realm_members
                    WHERE realm = ? ORDER BY member_id""", ContractStore::memberContract, realm.id())) {
                members.add(m.view());
                Optional<Row> contract = m.contractName.isEmpty() ? Optional.empty()
                        : find(c, m.contractName.get(), m.contractVersion);
                contract.ifPresent(r -> collect(r, m.memberId, provided, required));
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            metadata.put("name", realm.realmId());
            metadata.put("realmId", realm.realmId());
            metadata.put("realmType", realm.realmType());
            metadata.put("contractName", own.map(Row::name).orElse(realm.contractName().orElse(null)));
            metadata.put("contractVersion", own.map(Row::version).orElse(null));
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("provided", provided);
            spec.put("required", required);
            spec.put("members", members);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("apiVersion", API_VERSION);
            out.put("kind", "RealmContract");
            out.put("metadata", metadata);
            out.put("spec", spec);
            return out;
        });
    }

    private record MemberContract(String memberId, String name, String memberType, String status,
                                  Optional<String> contractName, Optional<String> contractVersion) {
        Map<String, Object> view() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("memberId", memberId);
            out.put("name", name);
            out.put("memberType", memberType);
            out.put("status", status);
            out.put("contractName", contractName.orElse(null));
            out.put("contractVersion", contractVersion.orElse(null));
            return out;
        }
    }

    private static MemberContract memberContract(ResultSet rs) throws SQLException {
        return new MemberContract(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                Optional.ofNullable(rs.getString(5)), Optional.ofNullable(rs.getString(6)));
    }

    private static void collect(Row contract, String by, List<Map<String, Object>> provided, List<Object> required) {
        contract.provided().forEach(p -> {
            ObjectNode entry = ((ObjectNode) p).deepCopy();
            entry.put("providedBy", by);
            entry.put("contract", contract.label());
            provided.add(RealmJson.MAPPER.convertValue(entry, Map.class));
        });
        contract.required().forEach(r -> {
            ObjectNode entry = ((ObjectNode) r).deepCopy();
            entry.put("requiredBy", by);
            required.add(entry);
        });
    }

    /** Every capability some contract provides: one entry per capability and providing contract version. */
    public Map<String, Object> capabilities() {
        List<Map<String, Object>> rows = control.inTransaction(ContractStore::capabilityRows);
        return Map.of("capabilities", rows, "total", rows.size());
    }

    public Map<String, Object> capability(String name) {
        List<Map<String, Object>> rows = control.inTransaction(ContractStore::capabilityRows).stream()
                .filter(r -> r.get("name").equals(name)).toList();
        if (rows.isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.CONTRACT_NOT_FOUND, "no contract provides capability " + name)
                    .with("capability", name));
        }
        return Map.of("name", name, "providers", rows);
    }

    private static List<Map<String, Object>> capabilityRows(Connection c) throws SQLException {
        List<Row> contracts = all(c);
        Map<String, Row> latest = new HashMap<>();
        for (Row r : contracts) {
            latest.merge(r.name(), r, (a, b) -> a.semver().compareTo(b.semver()) >= 0 ? a : b);
        }
        Map<String, List<String>> realmsByContract = new HashMap<>();
        for (String[] realm : Sql.list(c, "SELECT realm_id, contract_name, contract_version FROM realms"
                + " WHERE contract_name IS NOT NULL ORDER BY realm_id",
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})) {
            String version = realm[2] != null ? realm[2]
                    : Optional.ofNullable(latest.get(realm[1])).map(Row::version).orElse("");
            realmsByContract.computeIfAbsent(realm[1] + "@" + version, k -> new ArrayList<>()).add(realm[0]);
        }
        TreeMap<String, Map<String, Object>> rows = new TreeMap<>();
        for (Row contract : contracts) {
            for (JsonNode p : contract.provided()) {
                String capability = p.path("capability").asText();
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", capability);
                row.put("version", p.path("version").asText());
                row.put("contract", contract.name());
                row.put("contractVersion", contract.version());
                row.put("services", p.path("services"));
                row.put("events", p.path("events"));
                row.put("realms", realmsByContract.getOrDefault(contract.label(), List.of()));
                rows.put(capability + "\u0000" + contract.name() + "\u0000" + contract.version(), row);
            }
        }
        return List.copyOf(rows.values());
    }

    // ---- reads other writes share

    /** The contract version, or the latest one when {@code version} is empty. */
    static Optional<Row> find(Connection c, String name, Optional<String> version) throws SQLException {
        if (version.isPresent()) {
            return Sql.one(c, "SELECT name, version, description, provided::text, required::text, created_at"
                    + " FROM realm_contracts WHERE name = ? AND version = ?", ContractStore::row, name, version.get());
        }
        return Sql.list(c, "SELECT name, version, description, provided::text, required::text, created_at"
                + " FROM realm_contracts WHERE name = ?", ContractStore::row, name).stream()
                .max(Comparator.comparing(Row::semver));
    }

    static Row require(Connection c, String name, Optional<String> version) throws SQLException {
        return find(c, name, version).orElseThrow(() -> new CairnException(Problem.of(ErrorCode.CONTRACT_NOT_FOUND,
                "contract " + name + version.map(v -> " " + v).orElse("") + " does not exist")
                .with("name", name).with("version", version.orElse(null))));
    }

    static void requireExists(Connection c, String name, Optional<String> version, String field) throws SQLException {
        if (find(c, name, version).isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.CONTRACT_NOT_FOUND, "contract " + name
                    + version.map(v -> " " + v).orElse("") + " does not exist").with("field", field));
        }
    }

    private static List<Row> all(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>(Sql.list(c, "SELECT name, version, description, provided::text, required::text,"
                + " created_at FROM realm_contracts", ContractStore::row));
        rows.sort(Comparator.comparing(Row::name).thenComparing(Row::semver));
        return rows;
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), Optional.ofNullable(rs.getString(3)),
                RealmJson.read(rs.getString(4)), RealmJson.read(rs.getString(5)), Sql.time(rs.getTimestamp(6)));
    }

    // ---- validation of a new contract

    private static ArrayNode provided(JsonNode body) {
        ArrayNode out = RealmJson.MAPPER.createArrayNode();
        Set<String> seen = new HashSet<>();
        List<JsonNode> items = Fields.array(body, "", "provided", false);
        for (int i = 0; i < items.size(); i++) {
            String path = "provided[" + i + "]";
            JsonNode p = items.get(i);
            Fields.only(p, path, Set.of("capability", "version", "services", "events", "description"));
            String capability = Fields.requiredText(p, path, "capability");
            String version = Fields.requiredText(p, path, "version");
            if (Semver.parse(version).isEmpty()) {
                throw Fields.invalid(path + ".version", "must be a version x.y.z: " + version);
            }
            if (!seen.add(capability)) {
                throw Fields.invalid(path + ".capability", "is provided twice: " + capability);
            }
            ObjectNode entry = out.addObject().put("capability", capability).put("version", version);
            entry.set("services", listOf(p, path, "services"));
            entry.set("events", listOf(p, path, "events"));
            Fields.text(p, path, "description").ifPresent(d -> entry.put("description", d));
        }
        return out;
    }

    /** Services and events: names, or objects that have one. */
    private static ArrayNode listOf(JsonNode p, String path, String key) {
        ArrayNode out = RealmJson.MAPPER.createArrayNode();
        List<JsonNode> items = Fields.array(p, path, key, false);
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            boolean named = item.isTextual() && !item.asText().isBlank()
                    || item.isObject() && item.path("name").isTextual() && !item.path("name").asText().isBlank();
            if (!named) {
                throw Fields.invalid(path + "." + key + "[" + i + "]", "must be a name or an object with a name");
            }
            out.add(item);
        }
        return out;
    }

    private static ArrayNode required(JsonNode body) {
        ArrayNode out = RealmJson.MAPPER.createArrayNode();
        List<JsonNode> items = Fields.array(body, "", "required", false);
        for (int i = 0; i < items.size(); i++) {
            String path = "required[" + i + "]";
            JsonNode r = items.get(i);
            Fields.only(r, path, Set.of("capability", "version", "description"));
            String capability = Fields.requiredText(r, path, "capability");
            String range = Fields.text(r, path, "version").orElse("*");
            if (Semver.range(range).isEmpty()) {
                throw Fields.invalid(path + ".version", "must be a semver range (>=1.0.0, ^1.2.0, ~1.2.0, 1.x, 1.2.3): " + range);
            }
            ObjectNode entry = out.addObject().put("capability", capability).put("version", range);
            Fields.text(r, path, "description").ifPresent(d -> entry.put("description", d));
        }
        return out;
    }
}
