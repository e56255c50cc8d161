package dev.cairn.realm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.ControlDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Named policies ({@code /api/policies}) that realms list: {@code capability-access} or
 * {@code rate-limit}, their config checked strictly by {@link PolicyConfig} before it is stored.
 * A policy a realm still names is not deleted.
 */
public final class PolicyStore {

    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._\\-]{0,99}$");
    private static final Set<String> FIELDS = Set.of("name", "type", "description", "config");
    private static final String VIEW = "SELECT name, type, description, config::text, created_at, updated_at FROM realm_policies";

    private final ControlDatabase control;
    private final RealmCache cache;

    PolicyStore(ControlDatabase control, RealmCache cache) {
        this.control = control;
        this.cache = cache;
    }

    public Map<String, Object> list() {
        List<Map<String, Object>> policies = control.inTransaction(c -> Sql.list(c, VIEW + " ORDER BY name", PolicyStore::view));
        return Map.of("policies", policies, "total", policies.size());
    }

    public Map<String, Object> get(String name) {
        return control.inTransaction(c -> require(c, name));
    }

    public Map<String, Object> create(JsonNode body) {
        Fields.only(body, "", FIELDS);
        String name = Fields.requiredText(body, "", "name");
        if (!NAME.matcher(name).matches()) {
            throw Fields.invalid("name", "must be letters, digits, '.', '_' and '-', at most 100: " + name);
        }
        String type = type(Fields.requiredText(body, "", "type"));
        JsonNode config = Fields.objectField(body, "", "config").orElseThrow(() -> Fields.invalid("config", "is required"));
        PolicyConfig.parse(name, type, config);
        Map<String, Object> created = control.inTransaction(c -> {
            int inserted = Sql.update(c, "INSERT INTO realm_policies (name, type, description, config)"
                    + " VALUES (?, ?, ?, ?::jsonb) ON CONFLICT DO NOTHING", name, type,
                    Fields.text(body, "", "description"), RealmJson.write(config));
            if (inserted == 0) {
                throw new CairnException(Problem.of(ErrorCode.ALREADY_EXISTS, "policy " + name + " already exists")
                        .with("name", name));
            }
            return require(c, name);
        });
        cache.invalidate();
        return created;
    }

    /** Type, description and config as sent over the stored ones; the config is checked against the resulting type. */
    public Map<String, Object> update(String name, JsonNode body) {
        Fields.only(body, "", FIELDS);
        Fields.text(body, "", "name").filter(n -> !n.equals(name)).ifPresent(n -> {
            throw Fields.invalid("name", "cannot change; create another policy");
        });
        Map<String, Object> updated = control.inTransaction(c -> {
            Map<String, Object> current = require(c, name);
            String type = type(Fields.text(body, "", "type").orElse((String) current.get("type")));
            JsonNode config = Fields.objectField(body, "", "config").orElse((JsonNode) current.get("config"));
            PolicyConfig.parse(name, type, config);
            String description = Fields.text(body, "", "description").orElse((String) current.get("description"));
            Sql.update(c, "UPDATE realm_policies SET type = ?, description = ?, config = ?::jsonb, updated_at = now()"
                    + " WHERE name = ?", type, description, RealmJson.write(config), name);
            return require(c, name);
        });
        cache.invalidate();
        return updated;
    }

    public void delete(String name) {
        control.inTransaction(c -> {
            require(c, name);
            List<String> realms = Sql.list(c, "SELECT realm_id FROM realms WHERE ? = ANY (policies) ORDER BY realm_id",
                    rs -> rs.getString(1), name);
            if (!realms.isEmpty()) {
                throw new CairnException(Problem.of(ErrorCode.CONFLICT, "policy " + name + " is still named by realms "
                        + realms + "; remove it from them first").with("name", name).with("realms", realms));
            }
            return Sql.update(c, "DELETE FROM realm_policies WHERE name = ?", name);
        });
        cache.invalidate();
    }

    /** 404 policy_not_found for the first name that is not a policy. */
    static void requireExist(Connection c, List<String> names) throws SQLException {
        if (names.isEmpty()) {
            return;
        }
        List<String> known = Sql.list(c, "SELECT name FROM realm_policies WHERE name = ANY (?)", rs -> rs.getString(1), names);
        List<String> missing = new ArrayList<>(names);
        missing.removeAll(known);
        if (!missing.isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.POLICY_NOT_FOUND, "policy " + missing.get(0) + " does not exist")
                    .with("field", "policies").with("policy", missing.get(0)));
        }
    }

    private static String type(String type) {
        if (!PolicyConfig.TYPES.contains(type)) {
            throw Fields.invalid("type", "must be capability-access or rate-limit");
        }
        return type;
    }

    private static Map<String, Object> require(Connection c, String name) throws SQLException {
        return Sql.one(c, VIEW + " WHERE name = ?", PolicyStore::view, name).orElseThrow(() -> new CairnException(
                Problem.of(ErrorCode.POLICY_NOT_FOUND, "policy " + name + " does not exist").with("name", name)));
    }

    private static Map<String, Object> view(ResultSet rs) throws SQLException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", rs.getString(1));
        p.put("type", rs.getString(2));
        p.put("description", rs.getString(3));
        p.put("config", RealmJson.read(rs.getString(4)));
        p.put("createdAt", Sql.time(rs.getTimestamp(5)));
        p.put("updatedAt", Sql.time(rs.getTimestamp(6)));
        return p;
    }
}
