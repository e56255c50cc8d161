package dev.cairn.entity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * How one platform's tables are served by the data API, set by an operator
 * ({@code PUT /admin/platforms/{platform}/data-api}) or shipped in the bundle as
 * {@code postgresql/data-api.json}. Parsed strictly: an unknown key or value is a
 * {@code 400 validation_error} naming its path, so a typo never silently opens a table.
 *
 * @param naming              field names: camelCase for snake_case columns, or the column names
 * @param tenancy             a database per tenant (the default), or rows of one database
 * @param tenantColumn        under row tenancy, the column that holds the tenant
 * @param idempotencyRequired whether writes must carry an {@code Idempotency-Key}
 * @param defaultAllow        whether an action no rule mentions is allowed (as the Panorama gateway did)
 * @param entities            rules per entity (by its path name)
 * @param introspection       whether the GraphQL face answers introspection ({@code __schema}, {@code __type})
 * @param upstream            the platform's workflow server, when it has its own ({@code NOETL_BASE_URL} otherwise)
 */
public record DataApiSettings(Naming naming, Tenancy tenancy, String tenantColumn, boolean idempotencyRequired,
                              boolean defaultAllow, Map<String, EntityRules> entities, boolean introspection,
                              Optional<Upstream> upstream) {

    /**
     * {@code "upstream": {"baseUrl": "http://noetl:8082", "executeApi": "execute"|"runPlaybook"}}: where
     * this platform's playbooks run, and which of the NoETL server's two start routes it speaks.
     */
    public record Upstream(java.net.URI baseUrl, boolean runPlaybookApi) {
    }

    /** Where a tenant's rows live. */
    public enum Tenancy { DATABASE, ROW }

    /** What a request does to an entity, as far as role rules are concerned. */
    public enum Verb {
        LIST, GET, CREATE, UPDATE, DELETE, TRANSACT;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How an entity is exposed. */
    public enum Exposure { READ_WRITE, READ_ONLY, HIDDEN }

    /**
     * Rules for one entity.
     *
     * @param hiddenFields   columns (or field names) never selected, filtered on or written
     * @param readOnlyFields columns (or field names) a write may not name
     * @param roles          per verb, the roles allowed; a verb without an entry follows the default
     */
    public record EntityRules(Exposure exposure, Set<String> hiddenFields, Set<String> readOnlyFields,
                              Map<Verb, Set<String>> roles) {
        public EntityRules {
            hiddenFields = Collections.unmodifiableSet(new TreeSet<>(hiddenFields));
            readOnlyFields = Collections.unmodifiableSet(new TreeSet<>(readOnlyFields));
            EnumMap<Verb, Set<String>> copy = new EnumMap<>(Verb.class);
            roles.forEach((verb, names) -> copy.put(verb, Set.copyOf(names)));
            roles = Collections.unmodifiableMap(copy);
        }

        static final EntityRules OPEN = new EntityRules(Exposure.READ_WRITE, Set.of(), Set.of(), Map.of());
    }

    public DataApiSettings {
        entities = Collections.unmodifiableMap(new TreeMap<>(entities));
    }

    /** What a platform gets until it says otherwise. */
    public static DataApiSettings defaults() {
        return new DataApiSettings(Naming.CAMEL_CASE, Tenancy.DATABASE, "tenant_id", true, true, Map.of(), true,
                Optional.empty());
    }

    public EntityRules rules(String entity) {
        return entities.getOrDefault(entity, EntityRules.OPEN);
    }

    /**
     * May a principal holding {@code roles} perform {@code verb} on {@code entity}? An entity's
     * rule for the verb decides; without one, the platform's default.
     */
    public boolean allows(String entity, Verb verb, List<String> roles) {
        Set<String> allowed = rules(entity).roles().get(verb);
        if (allowed == null) {
            return defaultAllow;
        }
        return roles.stream().anyMatch(allowed::contains);
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$.-]{0,126}");

    /**
     * A settings file shipped in a bundle ({@code postgresql/data-api.json}): its text parsed and
     * validated like a {@code PUT}; errors name the file.
     */
    public static DataApiSettings parseFile(String text, String file) {
        JsonNode json;
        try {
            json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, file + " is not valid JSON: "
                    + e.getOriginalMessage()).with("file", file));
        }
        try {
            return parse(json);
        } catch (CairnException e) {
            throw new CairnException(e.problem().withMessage(file + ": " + e.getMessage()).with("file", file), e);
        }
    }

    /** Reads and validates a settings document; {@code 400 validation_error} naming the first bad path. */
    public static DataApiSettings parse(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw invalid("$", "the data-API settings are a JSON object");
        }
        known(json, "$", Set.of("naming", "tenancy", "tenantColumn", "idempotency", "access", "entities", "graphql",
                "upstream"));
        Naming naming = choice(json, "naming", Map.of("camelCase", Naming.CAMEL_CASE, "columns", Naming.COLUMNS),
                Naming.CAMEL_CASE);
        Tenancy tenancy = choice(json, "tenancy", Map.of("database", Tenancy.DATABASE, "row", Tenancy.ROW),
                Tenancy.DATABASE);
        String tenantColumn = name(json.get("tenantColumn"), "$.tenantColumn").orElse("tenant_id");
        boolean idempotency = choice(json, "idempotency", Map.of("required", true, "optional", false), true);
        boolean allow = choice(json, "access", Map.of("allow", true, "deny", false), true);
        Map<String, EntityRules> entities = new LinkedHashMap<>();
        JsonNode list = json.get("entities");
        if (list != null && !list.isNull()) {
            if (!list.isObject()) {
                throw invalid("$.entities", "is an object keyed by entity name");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String path = "$.entities." + e.getKey();
                if (!NAME.matcher(e.getKey()).matches()) {
                    throw invalid(path, "is not an entity name");
                }
                entities.put(e.getKey(), rules(e.getValue(), path));
            }
        }
        return new DataApiSettings(naming, tenancy, tenantColumn, idempotency, allow, entities, introspection(json),
                upstream(json));
    }

    /** {@code "graphql": {"introspection": "on"|"off"}}. */
    private static boolean introspection(JsonNode json) {
        JsonNode graphql = json.get("graphql");
        if (graphql == null || graphql.isNull()) {
            return true;
        }
        if (!graphql.isObject()) {
            throw invalid("$.graphql", "is an object");
        }
        known(graphql, "$.graphql", Set.of("introspection"));
        return choice(graphql, "introspection", "$.graphql", Map.of("on", true, "off", false), true);
    }

    /** {@code "upstream": {"baseUrl": "http(s)://…", "executeApi": "execute"|"runPlaybook"}}. */
    private static Optional<Upstream> upstream(JsonNode json) {
        JsonNode upstream = json.get("upstream");
        if (upstream == null || upstream.isNull()) {
            return Optional.empty();
        }
        if (!upstream.isObject()) {
            throw invalid("$.upstream", "is an object");
        }
        known(upstream, "$.upstream", Set.of("baseUrl", "executeApi"));
        String url = upstream.path("baseUrl").asText("");
        java.net.URI uri;
        try {
            uri = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw invalid("$.upstream.baseUrl", "is an http(s) URL");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                || uri.getRawUserInfo() != null) {
            throw invalid("$.upstream.baseUrl", "is an http(s) URL without credentials in it");
        }
        boolean run = choice(upstream, "executeApi", "$.upstream", Map.of("execute", false, "runPlaybook", true), false);
        return Optional.of(new Upstream(uri, run));
    }

    private static EntityRules rules(JsonNode json, String path) {
        if (!json.isObject()) {
            throw invalid(path, "is an object");
        }
        known(json, path, Set.of("access", "hiddenFields", "readOnlyFields", "roles"));
        Exposure exposure = choice(json, "access", path, Map.of("readWrite", Exposure.READ_WRITE,
                "readOnly", Exposure.READ_ONLY, "hidden", Exposure.HIDDEN), Exposure.READ_WRITE);
        Set<String> hidden = names(json.get("hiddenFields"), path + ".hiddenFields");
        Set<String> readOnly = names(json.get("readOnlyFields"), path + ".readOnlyFields");
        Map<Verb, Set<String>> roles = new EnumMap<>(Verb.class);
        JsonNode byVerb = json.get("roles");
        if (byVerb != null && !byVerb.isNull()) {
            if (!byVerb.isObject()) {
                throw invalid(path + ".roles", "is an object from action to the roles allowed");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = byVerb.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Verb verb = java.util.Arrays.stream(Verb.values()).filter(v -> v.wire().equals(e.getKey())).findFirst()
                        .orElseThrow(() -> invalid(path + ".roles." + e.getKey(),
                                "is not an action (list, get, create, update, delete, transact)"));
                roles.put(verb, names(e.getValue(), path + ".roles." + e.getKey()));
            }
        }
        return new EntityRules(exposure, hidden, readOnly, roles);
    }

    /** The settings as the document {@link #parse} reads (what {@code GET} answers). */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("naming", naming == Naming.CAMEL_CASE ? "camelCase" : "columns");
        o.put("tenancy", tenancy == Tenancy.DATABASE ? "database" : "row");
        o.put("tenantColumn", tenantColumn);
        o.put("idempotency", idempotencyRequired ? "required" : "optional");
        o.put("access", defaultAllow ? "allow" : "deny");
        ObjectNode list = o.putObject("entities");
        entities.forEach((name, r) -> {
            ObjectNode e = list.putObject(name);
            e.put("access", switch (r.exposure()) {
                case READ_WRITE -> "readWrite";
                case READ_ONLY -> "readOnly";
                case HIDDEN -> "hidden";
            });
            r.hiddenFields().forEach(e.putArray("hiddenFields")::add);
            r.readOnlyFields().forEach(e.putArray("readOnlyFields")::add);
            ObjectNode roles = e.putObject("roles");
            r.roles().forEach((verb, names) -> names.forEach(roles.withArray(verb.wire())::add));
        });
        o.putObject("graphql").put("introspection", introspection ? "on" : "off");
        upstream.ifPresent(u -> o.putObject("upstream").put("baseUrl", u.baseUrl().toString())
                .put("executeApi", u.runPlaybookApi() ? "runPlaybook" : "execute"));
        return o;
    }

    private static void known(JsonNode json, String path, Set<String> keys) {
        List<String> unknown = new ArrayList<>();
        json.fieldNames().forEachRemaining(k -> {
            if (!keys.contains(k)) {
                unknown.add(k);
            }
        });
        if (!unknown.isEmpty()) {
            throw invalid(path + "." + unknown.get(0), "is not a setting; known: " + new TreeSet<>(keys));
        }
    }

    private static <T> T choice(JsonNode json, String key, Map<String, T> values, T fallback) {
        return choice(json, key, "$", values, fallback);
    }

    private static <T> T choice(JsonNode json, String key, String path, Map<String, T> values, T fallback) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual() || !values.containsKey(v.textValue())) {
            throw invalid(path + "." + key, "is one of " + new TreeSet<>(values.keySet()));
        }
        return values.get(v.textValue());
    }

    private static Optional<String> name(JsonNode v, String path) {
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || !NAME.matcher(v.textValue()).matches()) {
            throw invalid(path, "is a column or role name");
        }
        return Optional.of(v.textValue());
    }

    private static Set<String> names(JsonNode v, String path) {
        if (v == null || v.isNull()) {
            return Set.of();
        }
        if (!v.isArray()) {
            throw invalid(path, "is an array of names");
        }
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < v.size(); i++) {
            names.add(name(v.get(i), path + "[" + i + "]").orElseThrow(() -> invalid(path, "holds names, not null")));
        }
        return names;
    }

    private static CairnException invalid(String path, String why) {
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "data-API settings: " + path + " " + why)
                .with("field", path));
    }
}
