package dev.cairn.realm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.fleet.ControlDatabase;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import dev.cairn.testing.TestGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The realm tree's REST routes on a real gateway: realms with pagination and their errors, members
 * and their API keys (read back through a {@link RealmDirectory} on the same control database, as
 * another instance would), contracts, capabilities, policies, bridges judged again when a contract
 * changes, and the realms of platforms and tenants.
 */
class RealmApiTest {

    private static final String ADMIN = "Bearer " + TestGateway.ADMIN_TOKEN;
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();
    private static Realms store;

    @BeforeAll
    static void openStore() {
        store = Realms.open(ControlDatabase.open(gateway.gateway().pools(), "postgres", gateway.controlDatabase()),
                Duration.ZERO);
    }

    static Http.Answer send(String method, String path, Object body) {
        return http.json(method, path, body, "Authorization", ADMIN);
    }

    static JsonNode ok(String method, String path, Object body, int status) {
        Http.Answer a = send(method, path, body);
        assertThat(a.status()).as(a.toString()).isEqualTo(status);
        return a.body();
    }

    static void error(Http.Answer a, int status, String code) {
        assertThat(a.status()).as(a.toString()).isEqualTo(status);
        assertThat(a.body().path("error").asText()).as(a.toString()).isEqualTo(code);
    }

    @Test
    void every_change_is_audited_done_or_refused_and_reads_are_not() {
        String before = Pg.scalar(gateway.controlDatabase(), "SELECT coalesce(max(id), 0)::text FROM audit_log");
        ok("POST", "/api/realms", Map.of("realmId", "audited", "realmType", "root"), 201);
        error(send("POST", "/api/realms", Map.of("realmId", "audited", "realmType", "root")), 409, "already_exists");
        ok("GET", "/api/realms/audited", null, 200);
        String key = ok("POST", "/api/members", Map.of("name", "desk", "realmId", "audited", "memberType", "consumer"), 201)
                .path("apiKey").asText();
        ok("POST", "/api/members/audited%2Fdesk/rotate-key", null, 200);
        assertThat(send("DELETE", "/api/members/audited%2Fdesk", null).status()).isEqualTo(204);

        List<List<String>> rows = Pg.query(gateway.controlDatabase(), "SELECT actor, action, status::text, detail::text"
                + " FROM audit_log WHERE id > ?::bigint ORDER BY id", before);
        assertThat(rows).extracting(r -> r.get(1) + " " + r.get(2)).containsExactly(
                "POST /api/realms 201", "POST /api/realms 409", "POST /api/members 201",
                "POST /api/members/audited%2Fdesk/rotate-key 200", "DELETE /api/members/audited%2Fdesk 204");
        assertThat(rows).extracting(r -> r.get(0)).containsOnly("admin");
        assertThat(rows.get(1).get(3)).contains("already_exists");
        assertThat(rows.toString()).as("no key in the audit log").doesNotContain(key);
    }

    @Test
    void realms_page_through_twenty_five_children_and_refuse_bad_pages() {
        JsonNode parent = ok("POST", "/api/realms", Map.of("realmId", "paged", "realmType", "root"), 201);
        for (int i = 0; i < 25; i++) {
            ok("POST", "/api/realms", Map.of("realmId", String.format("paged/r%02d", i), "parentRealmId", "paged"), 201);
        }
        JsonNode page2 = ok("GET", "/api/realms?parentRealmId=" + parent.path("id").asText() + "&page=2&pageSize=10", null, 200);
        assertThat(page2.path("total").asInt()).isEqualTo(25);
        assertThat(page2.path("page").asInt()).isEqualTo(2);
        assertThat(page2.path("pageSize").asInt()).isEqualTo(10);
        assertThat(page2.path("realms")).hasSize(10);
        assertThat(page2.path("realms").get(0).path("realmId").asText()).isEqualTo("paged/r10");
        assertThat(page2.path("realms").get(0).path("parentRealm").asText()).isEqualTo("paged");
        assertThat(ok("GET", "/api/realms?parentRealmId=paged&page=3&pageSize=10", null, 200).path("realms")).hasSize(5);
        assertThat(ok("GET", "/api/realms/paged", null, 200).path("childCount").asInt()).isEqualTo(25);
        error(send("GET", "/api/realms?pageSize=101", null), 400, "validation_error");
        error(send("GET", "/api/realms?page=0", null), 400, "validation_error");
        error(send("GET", "/api/realms?page=two", null), 400, "validation_error");
        error(send("GET", "/api/realms?parentRealmId=nowhere", null), 404, "realm_not_found");
        assertThat(ok("GET", "/api/realms?search=paged/r2&pageSize=100", null, 200).path("total").asInt()).isEqualTo(5);
    }

    @Test
    void realm_creation_checks_its_id_parent_policies_and_duplicates() {
        JsonNode alpha = ok("POST", "/api/realms", Map.of("realmId", "realm.alpha", "displayName", "Alpha",
                "metadata", Map.of("team", "a")), 201);
        assertThat(alpha.path("realmType").asText()).isEqualTo("service");
        assertThat(alpha.path("inheritPolicies").asBoolean()).isTrue();
        assertThat(alpha.path("metadata").path("team").asText()).isEqualTo("a");
        Http.Answer dup = send("POST", "/api/realms", Map.of("realmId", "realm.alpha"));
        error(dup, 409, "already_exists");
        assertThat(dup.body().path("realmId").asText()).isEqualTo("realm.alpha");
        Http.Answer upper = send("POST", "/api/realms", Map.of("realmId", "Realm.Alpha"));
        error(upper, 400, "validation_error");
        assertThat(upper.body().path("field").asText()).isEqualTo("realmId");
        error(send("POST", "/api/realms", Map.of("realmId", "orphan", "parentRealmId", "missing-parent")), 404, "realm_not_found");
        error(send("POST", "/api/realms", Map.of("realmId", "x1", "policies", List.of("no-such-policy"))), 404, "policy_not_found");
        error(send("POST", "/api/realms", Map.of("realmId", "x2", "colour", "red")), 400, "validation_error");
        error(send("POST", "/api/realms", Map.of("realmId", "x3", "contractVersion", "1.0")), 400, "validation_error");
        error(send("POST", "/api/realms", Map.of("realmId", "x4", "realmType", "root", "parentRealmId", "realm.alpha")),
                400, "validation_error");
        assertThat(ok("GET", "/api/realms/" + alpha.path("id").asText(), null, 200).path("realmId").asText())
                .isEqualTo("realm.alpha");
        JsonNode renamed = ok("PUT", "/api/realms/realm.alpha", Map.of("displayName", "Alpha!"), 200);
        assertThat(renamed.path("displayName").asText()).isEqualTo("Alpha!");
        assertThat(renamed.path("metadata").path("team").asText()).isEqualTo("a");
        error(send("GET", "/api/realms/realm.omega", null), 404, "realm_not_found");
    }

    @Test
    void a_realm_with_children_is_not_deleted_until_they_are_gone() {
        ok("POST", "/api/realms", Map.of("realmId", "tree", "realmType", "root"), 201);
        ok("POST", "/api/realms", Map.of("realmId", "tree/leaf", "parentRealmId", "tree"), 201);
        Http.Answer refused = send("DELETE", "/api/realms/tree", null);
        error(refused, 409, "realm_has_children");
        assertThat(refused.body().path("childCount").asInt()).isEqualTo(1);
        error(send("PUT", "/api/realms/tree", Map.of("parentRealmId", "tree/leaf", "realmType", "service")), 400,
                "validation_error");
        assertThat(send("DELETE", "/api/realms/tree%2Fleaf", null).status()).isEqualTo(204);
        assertThat(send("DELETE", "/api/realms/tree", null).status()).isEqualTo(204);
        error(send("DELETE", "/api/realms/tree", null), 404, "realm_not_found");
    }

    @Test
    void routes_need_the_admin_or_a_console_token() {
        error(http.get("/api/realms"), 401, "unauthorized");
        error(http.postJson("/api/members", Map.of()), 401, "unauthorized");
        error(http.get("/api/policies", "Authorization", "Bearer wrong"), 401, "unauthorized");
    }

    @Test
    void a_members_api_key_authenticates_until_it_is_rotated() {
        ok("POST", "/api/realms", Map.of("realmId", "keys.realm"), 201);
        JsonNode member = ok("POST", "/api/members", Map.of("name", "Ping Service", "realmId", "keys.realm",
                "memberType", "consumer", "metadata", Map.of("roles", List.of("reader")),
                "certificateSubject", "CN=ping, O=Keys"), 201);
        assertThat(member.path("memberId").asText()).isEqualTo("keys.realm/ping-service");
        assertThat(member.path("roles").toString()).isEqualTo("[\"reader\"]");
        String key = member.path("apiKey").asText();
        assertThat(key).startsWith("rm_").hasSize(46);
        assertThat(store.directory().memberByApiKey(key)).get()
                .extracting(RealmDirectory.Member::memberId).isEqualTo("keys.realm/ping-service");
        assertThat(store.directory().memberByCertificate("CN=ping,O=Keys", List.of())).isPresent();
        assertThat(ok("GET", "/api/members/keys.realm%2Fping-service", null, 200).has("apiKey")).isFalse();
        error(send("POST", "/api/members", Map.of("name", "ping service", "realmId", "keys.realm", "memberType", "consumer")),
                409, "already_exists");
        error(send("POST", "/api/members", Map.of("name", "other", "realmId", "keys.realm", "memberType", "robot")),
                400, "validation_error");
        error(send("POST", "/api/members", Map.of("name", "other", "realmId", "nowhere", "memberType", "consumer")),
                404, "realm_not_found");

        String rotated = ok("POST", "/api/members/keys.realm%2Fping-service/rotate-key", null, 200).path("apiKey").asText();
        assertThat(store.directory().memberByApiKey(key)).isEmpty();
        assertThat(store.directory().memberByApiKey(rotated)).isPresent();
        assertThat(store.directory().memberByApiKey("rm_" + rotated.substring(3, 11) + "x".repeat(35))).isEmpty();

        JsonNode listed = ok("GET", "/api/members?realmId=keys.realm&memberType=consumer", null, 200);
        assertThat(listed.path("total").asInt()).isEqualTo(1);
        ok("PUT", "/api/members/keys.realm%2Fping-service", Map.of("status", "suspended"), 200);
        assertThat(store.directory().memberByApiKey(rotated)).isEmpty();
        assertThat(send("DELETE", "/api/members/keys.realm%2Fping-service", null).status()).isEqualTo(204);
        error(send("GET", "/api/members/keys.realm%2Fping-service", null), 404, "member_not_found");
    }

    static Map<String, Object> contract(String name, String version, List<Map<String, Object>> provided,
                                        List<Map<String, Object>> required) {
        return Map.of("name", name, "version", version, "provided", provided, "required", required);
    }

    static Map<String, Object> cap(String capability, String version) {
        return Map.of("capability", capability, "version", version);
    }

    @Test
    void contracts_are_read_by_version_and_latest_and_aggregated_per_realm() {
        ok("POST", "/api/contracts", contract("pong-contract", "1.0.0",
                List.of(Map.of("capability", "pong", "version", "1.0.0", "services", List.of("pong"))), List.of()), 201);
        ok("POST", "/api/contracts", contract("pong-contract", "1.10.0", List.of(cap("pong", "1.10.0")), List.of()), 201);
        ok("POST", "/api/contracts", contract("pong-contract", "1.9.0", List.of(cap("pong", "1.9.0")), List.of()), 201);
        assertThat(ok("GET", "/api/contracts/pong-contract/latest", null, 200).path("version").asText()).isEqualTo("1.10.0");
        assertThat(ok("GET", "/api/contracts/pong-contract/1.0.0", null, 200).path("provided").get(0).path("services")
                .toString()).isEqualTo("[\"pong\"]");
        error(send("POST", "/api/contracts", contract("pong-contract", "1.0.0", List.of(), List.of())), 409, "already_exists");
        error(send("POST", "/api/contracts", contract("bad", "1.0", List.of(), List.of())), 400, "validation_error");
        Http.Answer badRange = send("POST", "/api/contracts", contract("bad", "1.0.0", List.of(),
                List.of(cap("pong", ">=banana"))));
        error(badRange, 400, "validation_error");
        assertThat(badRange.body().path("field").asText()).isEqualTo("required[0].version");
        error(send("GET", "/api/contracts/nothing/latest", null), 404, "contract_not_found");

        ok("POST", "/api/realms", Map.of("realmId", "pongs", "contractName", "pong-contract"), 201);
        ok("POST", "/api/members", Map.of("name", "pong", "realmId", "pongs", "memberType", "provider",
                "contractName", "pong-contract", "contractVersion", "1.0.0"), 201);
        JsonNode agg = ok("GET", "/api/contracts/realm/pongs", null, 200);
        assertThat(agg.path("apiVersion").asText()).isEqualTo("interrealm.io/v1alpha1");
        assertThat(agg.path("kind").asText()).isEqualTo("RealmContract");
        assertThat(agg.path("metadata").path("contractVersion").asText()).isEqualTo("1.10.0");
        List<String> providers = new ArrayList<>();
        agg.path("spec").path("provided").forEach(p -> providers.add(p.path("providedBy").asText()));
        assertThat(providers).containsExactly("pongs", "pongs/pong");
        assertThat(agg.path("spec").path("members")).hasSize(1);

        JsonNode capability = ok("GET", "/api/capabilities/pong", null, 200);
        assertThat(capability.path("providers")).hasSize(3);
        assertThat(capability.toString()).contains("\"realms\":[\"pongs\"]");
        error(send("GET", "/api/capabilities/nothing", null), 404, "contract_not_found");
        error(send("DELETE", "/api/contracts/pong-contract/1.0.0", null), 409, "conflict");
        assertThat(send("DELETE", "/api/contracts/pong-contract/1.9.0", null).status()).isEqualTo(204);
        error(send("GET", "/api/contracts/pong-contract/1.9.0", null), 404, "contract_not_found");
    }

    @Test
    void policies_are_validated_strictly_and_kept_while_a_realm_names_them() {
        Map<String, Object> rule = Map.of("capability", "pong*", "operations", List.of("call"), "direction", "inbound",
                "allowFrom", Map.of("realmIds", List.of("realm.alpha")));
        ok("POST", "/api/policies", Map.of("name", "beta-policy", "type", "capability-access",
                "config", Map.of("rules", List.of(rule))), 201);
        error(send("POST", "/api/policies", Map.of("name", "beta-policy", "type", "capability-access",
                "config", Map.of("rules", List.of()))), 409, "already_exists");
        Http.Answer typo = send("POST", "/api/policies", Map.of("name", "typo", "type", "capability-access",
                "config", Map.of("rules", List.of(Map.of("capability", "x", "operations", List.of("call"),
                        "allowFrom", Map.of("realmID", List.of("a")))))));
        error(typo, 400, "validation_error");
        assertThat(typo.body().path("field").asText()).isEqualTo("config.rules[0].allowFrom.realmID");
        Http.Answer badRate = send("POST", "/api/policies", Map.of("name", "rl", "type", "rate-limit",
                "config", Map.of("rules", List.of(Map.of("per", "member", "requestsPerMinute", 0, "burst", 1)))));
        error(badRate, 400, "validation_error");
        assertThat(badRate.body().path("field").asText()).isEqualTo("config.rules[0].requestsPerMinute");
        ok("POST", "/api/policies", Map.of("name", "rl", "type", "rate-limit", "config", Map.of("rules",
                List.of(Map.of("per", "member", "requestsPerMinute", 60, "burst", 10, "routes", List.of("/v1/*"))))), 201);

        ok("POST", "/api/realms", Map.of("realmId", "policed", "policies", List.of("beta-policy", "rl")), 201);
        error(send("DELETE", "/api/policies/beta-policy", null), 409, "conflict");
        assertThat(store.rules().rateLimits("policed")).extracting(r -> r.policy() + ":" + r.per() + ":" + r.burst())
                .containsExactly("rl:member:10");
        ok("PUT", "/api/realms/policed", Map.of("policies", List.of()), 200);
        assertThat(send("DELETE", "/api/policies/beta-policy", null).status()).isEqualTo(204);
        error(send("GET", "/api/policies/beta-policy", null), 404, "policy_not_found");
    }

    @Test
    void bridges_record_warnings_errors_and_history_when_a_contract_changes() {
        ok("POST", "/api/contracts", contract("caller", "1.0.0", List.of(cap("ping", "1.0.0")),
                List.of(cap("echo", "^1.2.0"))), 201);
        ok("POST", "/api/contracts", contract("echoer", "1.1.0", List.of(cap("echo", "1.1.0")),
                List.of(cap("ping", ">=1.0.0"))), 201);
        ok("POST", "/api/realms", Map.of("realmId", "b.local", "contractName", "caller"), 201);
        ok("POST", "/api/realms", Map.of("realmId", "b.remote", "contractName", "echoer"), 201);
        JsonNode bridge = ok("POST", "/api/bridges", Map.of("localRealmId", "b.local", "remoteRealmId", "b.remote"), 201);
        assertThat(bridge.path("compatible").asBoolean()).isTrue();
        assertThat(bridge.path("compatibilityWarnings").toString()).contains("older than the range asks");
        assertThat(bridge.path("history").get(0).path("changeType").asText()).isEqualTo("established");
        String id = bridge.path("id").asText();
        error(send("POST", "/api/bridges", Map.of("localRealmId", "b.local", "remoteRealmId", "b.remote")), 409,
                "already_exists");
        error(send("POST", "/api/bridges", Map.of("localRealmId", "b.local", "remoteRealmId", "b.local")), 400,
                "validation_error");
        error(send("POST", "/api/bridges", Map.of("localRealmId", "b.local", "remoteRealmId", "b.none")), 404,
                "realm_not_found");

        ok("POST", "/api/contracts", contract("echoer", "1.2.0", List.of(cap("echo", "1.2.5")),
                List.of(cap("ping", ">=1.0.0"))), 201);
        JsonNode minor = ok("GET", "/api/bridges/" + id, null, 200);
        assertThat(minor.path("compatibilityWarnings")).isEmpty();
        assertThat(minor.path("remoteContract").asText()).isEqualTo("echoer@1.2.0");
        assertThat(minor.path("history").get(1).path("changeType").asText()).isEqualTo("remote-minor");

        ok("POST", "/api/contracts", contract("echoer", "2.0.0", List.of(cap("echo", "2.0.0")),
                List.of(cap("ping", ">=1.0.0"))), 201);
        JsonNode broken = ok("GET", "/api/bridges/" + id, null, 200);
        assertThat(broken.path("compatible").asBoolean()).isFalse();
        assertThat(broken.path("status").asText()).isEqualTo("broken");
        assertThat(broken.path("compatibilityErrors").toString()).contains("outside the range");
        assertThat(broken.path("history").get(2).path("changeType").asText()).isEqualTo("broken");

        ok("POST", "/api/contracts", contract("caller", "2.0.0", List.of(cap("ping", "2.0.0")),
                List.of(cap("echo", "^2.0.0"), cap("trace", "1.x"))), 201);
        JsonNode local = ok("GET", "/api/bridges/" + id, null, 200);
        assertThat(local.path("history").get(3).path("changeType").asText()).isEqualTo("local-major");
        assertThat(local.path("compatibilityErrors").toString()).contains("requires trace 1.x, which realm b.remote does not provide");
        assertThat(ok("GET", "/api/bridges", null, 200).path("total").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(send("DELETE", "/api/bridges/" + id, null).status()).isEqualTo(204);
        error(send("GET", "/api/bridges/" + id, null), 404, "bridge_not_found");
    }

    @Test
    void platforms_and_tenants_are_realms_that_follow_the_fleet() {
        String platform = gateway.platform();
        assertThat(http.postJson("/platform/register", Map.of("platform", platform)).status()).isEqualTo(200);
        JsonNode root = ok("GET", "/api/realms/" + platform, null, 200);
        assertThat(root.path("realmType").asText()).isEqualTo("root");
        assertThat(root.path("managedBy").asText()).isEqualTo("platform");
        assertThat(http.register(platform, null, Schema.base().tarGz()).status()).isEqualTo(200);
        Http.Answer tenant = http.postJson("/admin/create-tenant", Map.of("platform", platform, "tenant_id", "clinic-1"),
                "Authorization", ADMIN);
        assertThat(tenant.status()).as(tenant.toString()).isEqualTo(201);
        JsonNode child = ok("GET", "/api/realms/" + platform + "%2Fclinic-1", null, 200);
        assertThat(child.path("realmType").asText()).isEqualTo("tenant");
        assertThat(child.path("parentRealm").asText()).isEqualTo(platform);
        assertThat(store.directory().ancestors(platform + "/clinic-1")).extracting(RealmDirectory.Realm::realmId)
                .containsExactly(platform);
        assertThat(store.directory().children(platform)).extracting(RealmDirectory.Realm::realmId)
                .contains(platform + "/clinic-1");
        error(send("DELETE", "/api/realms/" + platform + "%2Fclinic-1", null), 409, "conflict");
        error(send("PUT", "/api/realms/" + platform, Map.of("realmType", "service")), 409, "conflict");
        assertThat(ok("PUT", "/api/realms/" + platform, Map.of("description", "the platform"), 200)
                .path("description").asText()).isEqualTo("the platform");

        ok("POST", "/api/members", Map.of("name", "desk", "realmId", platform + "/clinic-1", "memberType", "consumer"), 201);
        String database = tenant.body().path("database").asText();
        Http.Answer deleted = http.json("DELETE", "/admin/databases/" + database, Map.of("confirm", database),
                "Authorization", ADMIN);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        error(send("GET", "/api/realms/" + platform + "%2Fclinic-1", null), 404, "realm_not_found");
        error(send("GET", "/api/members/" + platform + "%2Fclinic-1%2Fdesk", null), 404, "member_not_found");
        assertThat(ok("GET", "/api/realms/" + platform, null, 200).path("childCount").asInt()).isZero();
    }
}
