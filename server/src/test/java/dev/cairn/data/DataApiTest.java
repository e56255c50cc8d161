package dev.cairn.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Jwts;
import dev.cairn.testing.Pg;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The data API against the Panorama gateway's own test cases, ported onto the {@code panorama}
 * fixture (users, conversations keyed by user and conversation, messages, three-part agent states),
 * plus what the issue asks beyond them: filters, pages, cursors, includes, validation, constraint
 * errors, transactions, idempotency. Real PostgreSQL, real HTTP.
 */
class DataApiTest {

    static final String TENANT = "tenant-test";
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(Jwts.env());
    private static final Http http = gateway.http();
    private static String platform;
    private static String database;

    @BeforeAll
    static void start() {
        platform = gateway.platform();
        assertThat(http.register(platform, TENANT, Bundles.tarGz(Bundles.fixture("panorama"))).status()).isEqualTo(200);
        database = platform + "_" + TENANT;
        Pg.execute(database, """
                INSERT INTO users (user_id, tenant_id, email, name) VALUES
                  ('user-1', 'tenant-test', 'one@example.com', 'One'), ('0:abcd', 'tenant-test', NULL, 'Ton');
                INSERT INTO conversations (user_id, conversation_id, tenant_id, title) VALUES
                  ('user-1', 'conv-1', 'tenant-test', 'First'), ('0:abcd', 'conv-ton-1', 'tenant-test', 'Ton chat'),
                  ('0:abcd', 'conv-ton-2', 'tenant-test', 'Second ton chat');
                INSERT INTO agent_shared_states (agent_name, user_id, conversation_id, tenant_id, state) VALUES
                  ('swap_agent', '0:abcd', 'conv-ton-1', 'tenant-test', '{"step": 2}');
                INSERT INTO messages (user_id, conversation_id, tenant_id, role, content, embedding)
                  SELECT 'user-1', 'conv-1', 'tenant-test', 'user', 'message ' || i, ARRAY[i, 1, 0]::real[]
                  FROM generate_series(1, 25) i;
                """);
        // the first write makes the data API's own tables (cairn.outbox, cairn.idempotency)
        assertThat(http.postJson("/v1/users", Map.of("userId", "first", "tenantId", TENANT), write()).status()).isEqualTo(201);
    }

    static String[] auth(String... more) {
        List<String> h = new ArrayList<>(List.of("Authorization", "Bearer " + Jwts.token(platform, TENANT, List.of("admin")),
                "x-tenant-id", TENANT));
        h.addAll(List.of(more));
        return h.toArray(String[]::new);
    }

    static String[] write(String... more) {
        List<String> h = new ArrayList<>(List.of(auth()));
        h.addAll(List.of("Idempotency-Key", UUID.randomUUID().toString()));
        h.addAll(List.of(more));
        return h.toArray(String[]::new);
    }

    static String q(String json) {
        return URLEncoder.encode(json, StandardCharsets.UTF_8);
    }

    // ---- the Panorama gateway's own cases --------------------------------------------------------------

    @Test
    void lists_users() {
        Http.Answer a = http.get("/v1/users?where=" + q("{\"userId\":\"user-1\"}"), auth());
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        assertThat(a.body().path("data")).hasSize(1);
        assertThat(a.body().path("data").get(0).path("userId").asText()).isEqualTo("user-1");
        assertThat(a.body().path("data").get(0).path("createdAt").asText()).contains("T");
        assertThat(a.body().path("page").path("take").asInt()).isEqualTo(100);
        assertThat(a.header("Server-Timing")).matches("parse;dur=[0-9.]+, route;dur=[0-9.]+, plan;dur=[0-9.]+, execute;dur=[0-9.]+");
    }

    @Test
    void creates_a_message_with_an_idempotency_key_and_replays_it() {
        Map<String, Object> body = Map.of("userId", "user-1", "conversationId", "conv-1", "role", "assistant",
                "content", "Reply message", "tenantId", TENANT);
        String[] headers = auth("Idempotency-Key", "test-key-" + UUID.randomUUID());
        Http.Answer first = http.postJson("/v1/messages", body, headers);
        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        assertThat(first.body().path("content").asText()).isEqualTo("Reply message");
        assertThat(first.body().path("contentLength").asInt()).isEqualTo(13); // generated column, default included
        assertThat(first.body().path("id").isIntegralNumber()).isTrue();
        assertThat(first.header("x-idempotent-replay")).isNullOrEmpty();

        Http.Answer again = http.postJson("/v1/messages", body, headers);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("x-idempotent-replay")).isEqualTo("true");
        assertThat(again.body()).isEqualTo(first.body());
        String id = first.body().path("id").asText();
        assertThat(Pg.scalar(database, "SELECT count(*) FROM messages WHERE content = 'Reply message'")).isEqualTo("1");
        assertThat(Pg.scalar(database, "SELECT count(*) FROM cairn.outbox WHERE aggregate_type = 'messages'"
                + " AND aggregate_id = ? AND type = 'created' AND payload->>'content' = 'Reply message'", id)).isEqualTo("1");

        // key order does not change the request; another body under the same key is refused
        Http.Answer reordered = http.postJson("/v1/messages", "{\"tenantId\":\"tenant-test\",\"content\":\"Reply message\","
                + "\"role\":\"assistant\",\"conversationId\":\"conv-1\",\"userId\":\"user-1\"}", headers);
        assertThat(reordered.header("x-idempotent-replay")).isEqualTo("true");
        Http.Answer other = http.postJson("/v1/messages", Map.of("userId", "user-1", "conversationId", "conv-1",
                "role", "assistant", "content", "Another"), headers);
        assertThat(other.status()).as(other.raw()).isEqualTo(422);
        assertThat(other.body().path("error").asText()).isEqualTo("idempotency_key_reused");
    }

    @Test
    void patches_a_conversation_by_its_composite_id() {
        Http.Answer a = http.json("PATCH", "/v1/conversations/user-1:conv-1", Map.of("title", "Updated title"), write());
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        assertThat(a.body().path("title").asText()).isEqualTo("Updated title");
        assertThat(a.body().path("id").asText()).isEqualTo("user-1:conv-1");
        assertThat(Pg.scalar(database, "SELECT aggregate_id FROM cairn.outbox WHERE aggregate_type = 'conversations'"
                + " AND type = 'updated' ORDER BY seq DESC LIMIT 1")).isEqualTo("user-1:conv-1");
        // the composite id a client read back names no column: nothing to update
        Http.Answer idOnly = http.json("PATCH", "/v1/conversations/user-1:conv-1", Map.of("id", "user-1:conv-1"), write());
        assertThat(idOnly.status()).as(idOnly.raw()).isEqualTo(400);
        assertThat(idOnly.body().path("error").asText()).isEqualTo("validation_error");
    }

    @Test
    void get_and_list_of_conversations_carry_the_composite_id() {
        Http.Answer one = http.get("/v1/conversations/user-1:conv-1", auth());
        assertThat(one.status()).as(one.raw()).isEqualTo(200);
        assertThat(one.body().path("id").asText()).isEqualTo("user-1:conv-1");
        Http.Answer list = http.get("/v1/conversations?where=" + q("{\"userId\":\"0:abcd\"}"), auth());
        assertThat(list.body().path("data")).extracting(r -> r.path("id").asText())
                .containsExactly("0%3Aabcd:conv-ton-1", "0%3Aabcd:conv-ton-2");
    }

    @Test
    void encoded_ids_work_for_get_patch_and_delete() {
        Http.Answer got = http.get("/v1/conversations/0%3Aabcd:conv-ton-2", auth());
        assertThat(got.status()).as(got.raw()).isEqualTo(200);
        assertThat(got.body().path("userId").asText()).isEqualTo("0:abcd");
        Http.Answer patched = http.json("PATCH", "/v1/conversations/0%3Aabcd:conv-ton-2", Map.of("title", "T"), write());
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        Http.Answer deleted = http.json("DELETE", "/v1/conversations/0%3Aabcd:conv-ton-2", null, write());
        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(204);
        assertThat(http.get("/v1/conversations/0%3Aabcd:conv-ton-2", auth()).status()).isEqualTo(404);
        assertThat(Pg.scalar(database, "SELECT payload->>'title' FROM cairn.outbox WHERE aggregate_id = '0%3Aabcd:conv-ton-2'"
                + " AND type = 'deleted'")).isEqualTo("T");
    }

    @Test
    void the_three_part_id_of_agent_shared_states() {
        Http.Answer a = http.get("/v1/agent-shared-states/swap_agent:0%3Aabcd:conv-ton-1", auth());
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        assertThat(a.body().path("state").path("step").asInt()).isEqualTo(2);
        assertThat(a.body().path("id").asText()).isEqualTo("swap_agent:0%3Aabcd:conv-ton-1");
        Http.Answer wrong = http.get("/v1/agent-shared-states/swap_agent:0%3Aabcd", auth());
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.body().path("message").asText()).contains("invalid composite identifier");
    }

    // ---- lists ---------------------------------------------------------------------------------------

    @Test
    void filters_order_pages_and_cursors() {
        String where = q("{\"userId\":\"user-1\",\"content\":{\"startsWith\":\"message 1\"}}"); // 1, 10..19
        Http.Answer first = http.get("/v1/messages?where=" + where + "&orderBy=" + q("{\"content\":\"desc\"}")
                + "&take=4&count=true&select=" + q("{\"content\":true}"), auth());
        assertThat(first.status()).as(first.raw()).isEqualTo(200);
        assertThat(first.body().path("data")).extracting(r -> r.path("content").asText())
                .containsExactly("message 19", "message 18", "message 17", "message 16");
        assertThat(first.body().path("data").get(0).has("userId")).isFalse();
        assertThat(first.body().path("page").path("total").asInt()).isEqualTo(11);
        String cursor = first.body().path("page").path("nextCursor").asText();
        List<String> seen = new ArrayList<>();
        first.body().path("data").forEach(r -> seen.add(r.path("content").asText()));
        while (!cursor.isEmpty() && !cursor.equals("null")) {
            Http.Answer next = http.get("/v1/messages?where=" + where + "&orderBy=" + q("{\"content\":\"desc\"}")
                    + "&take=4&cursor=" + cursor, auth());
            assertThat(next.status()).as(next.raw()).isEqualTo(200);
            next.body().path("data").forEach(r -> seen.add(r.path("content").asText()));
            cursor = next.body().path("page").path("nextCursor").isNull() ? "" : next.body().path("page").path("nextCursor").asText();
        }
        assertThat(seen).hasSize(11).doesNotHaveDuplicates().endsWith("message 10", "message 1");

        Http.Answer ops = http.get("/v1/messages?where=" + q("{\"OR\":[{\"content\":\"message 3\"},{\"content\":{\"in\":"
                + "[\"message 4\",\"message 5\"]}}],\"NOT\":{\"content\":{\"endsWith\":\"5\"}},\"embedding\":{\"not\":null}}")
                + "&orderBy=" + q("[{\"content\":\"asc\"}]"), auth());
        assertThat(ops.body().path("data")).extracting(r -> r.path("content").asText()).containsExactly("message 3", "message 4");
        Http.Answer insensitive = http.get("/v1/users?where=" + q("{\"name\":{\"equals\":\"ONE\",\"mode\":\"insensitive\"}}"), auth());
        assertThat(insensitive.body().path("data")).hasSize(1);
        Http.Answer json = http.get("/v1/agent-shared-states?where=" + q("{\"state\":{\"path\":[\"step\"],\"gte\":2}}"), auth());
        assertThat(json.body().path("data")).hasSize(1);
        Http.Answer ranged = http.get("/v1/messages?where=" + q("{\"id\":{\"gt\":20,\"lte\":22}}"), auth());
        assertThat(ranged.body().path("data")).hasSize(2);
    }

    @Test
    void includes_related_rows_in_the_same_statement() {
        Http.Answer a = http.get("/v1/conversations/user-1:conv-1?include=" + q("{\"messages\":true,\"user\":true}"), auth());
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        assertThat(a.body().path("user").path("email").asText()).isEqualTo("one@example.com");
        assertThat(a.body().path("messages").size()).isGreaterThanOrEqualTo(25);
        Http.Answer users = http.get("/v1/users?include=" + q("{\"conversations\":true}") + "&where="
                + q("{\"userId\":\"0:abcd\"}"), auth());
        assertThat(users.body().path("data").get(0).path("conversations").get(0).path("id").asText())
                .startsWith("0%3Aabcd:");
        Http.Answer unknown = http.get("/v1/users?include=" + q("{\"secrets\":true}"), auth());
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().path("error").asText()).isEqualTo("invalid_query");
    }

    @Test
    void includes_nest_with_their_own_fields_filter_order_and_limit() {
        Http.Answer a = http.get("/v1/users?where=" + q("{\"userId\":\"user-1\"}") + "&select=" + q("{\"userId\":true}")
                + "&include=" + q("""
                {"conversations": {"select": {"title": true},
                                   "include": {"latest": {"relation": "messages", "select": {"content": true},
                                                          "where": {"role": "user"}, "orderBy": {"id": "desc"}, "take": 2},
                                               "user": {"select": {"email": true}}}}}"""), auth());
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        JsonNode user = a.body().path("data").get(0);
        assertThat(user.size()).isEqualTo(2); // userId and conversations, nothing else
        JsonNode conversation = user.path("conversations").get(0);
        assertThat(conversation.path("title").asText()).isEqualTo("First");
        assertThat(conversation.has("userId")).isFalse();
        assertThat(conversation.path("latest")).hasSize(2);
        assertThat(conversation.path("latest").get(0).path("content").asText()).isEqualTo("message 25");
        assertThat(conversation.path("user").path("email").asText()).isEqualTo("one@example.com");

        assertInvalid("/v1/users?include=" + q("{\"conversations\":{\"take\":5000}}"), "take");
        assertInvalid("/v1/users?include=" + q("{\"conversations\":{\"limit\":5}}"), "limit");
        assertInvalid("/v1/users?include=" + q("{\"email\":{\"relation\":\"conversations\"}}"), "also a field");
        assertInvalid("/v1/users?include=" + q("{\"conversations\":{\"where\":{\"nope\":1}}}"), "nope");
    }

    @Test
    void strict_queries_name_what_is_wrong() {
        assertInvalid("/v1/users?limit=5", "limit");
        assertInvalid("/v1/users?where=" + q("{\"nope\":1}"), "nope");
        assertInvalid("/v1/users?where=" + q("{\"userId\":{\"like\":\"x\"}}"), "like");
        assertInvalid("/v1/users?orderBy=" + q("{\"userId\":\"sideways\"}"), "asc");
        assertInvalid("/v1/users?take=1001", "take");
        assertInvalid("/v1/users?where=notjson", "where");
        assertInvalid("/v1/users?cursor=abc", "cursor");
        assertInvalid("/v1/messages?where=" + q("{\"id\":{\"lt\":\"ten\"}}"), "id");
    }

    @Test
    void injection_attempts_are_refused_or_inert() {
        assertInvalid("/v1/users?where=" + q("{\"user_id\\\" = user_id OR 1=1 --\":\"x\"}"), "unknown field");
        Http.Answer value = http.get("/v1/users?where=" + q("{\"userId\":\"' OR '1'='1\"}"), auth());
        assertThat(value.status()).isEqualTo(200);
        assertThat(value.body().path("data")).isEmpty();
        Http.Answer like = http.get("/v1/users?where=" + q("{\"userId\":{\"contains\":\"%\"}}"), auth());
        assertThat(like.body().path("data")).isEmpty(); // % is a character, not a wildcard
        assertInvalid("/v1/users?orderBy=" + q("{\"createdAt; DROP TABLE users; --\":\"asc\"}"), "unknown field");
        assertInvalid("/v1/users?select=" + q("{\"userId, (SELECT 1)\":true}"), "unknown field");
        assertInvalid("/v1/users?include=" + q("{\"conversations) --\":true}"), "unknown relation");
        Http.Answer entity = http.get("/v1/users%3B%20DROP%20TABLE%20users", auth());
        assertThat(entity.status()).isEqualTo(404);
        assertThat(http.get("/v1/cairn.outbox", auth()).status()).isEqualTo(404);
        assertThat(Pg.scalar(database, "SELECT count(*) FROM users")).isNotEqualTo("0");
    }

    private static void assertInvalid(String path, String named) {
        Http.Answer a = http.get(path, auth());
        assertThat(a.status()).as(a.raw()).isEqualTo(400);
        assertThat(a.body().path("error").asText()).isEqualTo("invalid_query");
        assertThat(a.body().path("message").asText() + a.body().path("parameter").asText()
                + a.body().path("field").asText()).contains(named);
    }

    // ---- writes --------------------------------------------------------------------------------------

    @Test
    void validation_names_the_field_and_writes_nothing() {
        long before = Long.parseLong(Pg.scalar(database, "SELECT count(*) FROM messages"));
        assertValidation(Map.of("userId", "user-1", "conversationId", "conv-1", "role", "user", "content", "x",
                "mood", "happy"), "mood");
        assertValidation(Map.of("userId", "user-1", "conversationId", "conv-1", "role", "user", "tenantId", TENANT), "content");
        assertValidation(Map.of("userId", "user-1", "conversationId", "conv-1", "role", "boss", "content", "x"), "role");
        assertValidation(Map.of("userId", "user-1", "conversationId", "conv-1", "role", "user", "content", "x",
                "contentLength", 3), "contentLength");
        assertValidation(Map.of("id", 5, "userId", "user-1", "conversationId", "conv-1", "role", "user", "content", "x"), "id");
        assertValidation(Map.of("userId", "user-1", "conversationId", "conv-1", "role", "user", "content", 7), "content");
        assertThat(Long.parseLong(Pg.scalar(database, "SELECT count(*) FROM messages"))).isEqualTo(before);
        Http.Answer tooLong = http.postJson("/v1/users", Map.of("userId", "long", "tenantId", TENANT, "name", "x".repeat(101)), write());
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body().path("field").asText()).isEqualTo("name");
    }

    private static void assertValidation(Map<String, Object> body, String field) {
        Http.Answer a = http.postJson("/v1/messages", body, write());
        assertThat(a.status()).as(a.raw()).isEqualTo(400);
        assertThat(a.body().path("error").asText()).isEqualTo("validation_error");
        assertThat(a.body().path("field").asText()).isEqualTo(field);
    }

    @Test
    void a_unique_violation_is_409_naming_the_constraint() {
        Http.Answer a = http.postJson("/v1/users", Map.of("userId", "dup", "tenantId", TENANT, "email", "one@example.com"), write());
        assertThat(a.status()).as(a.raw()).isEqualTo(409);
        assertThat(a.body().path("error").asText()).isEqualTo("conflict");
        assertThat(a.body().path("constraint").asText()).isEqualTo("users_email_key");
    }

    @Test
    void an_array_creates_every_row_in_one_transaction() {
        Http.Answer ok = http.postJson("/v1/users", List.of(Map.of("userId", "batch-1", "tenantId", TENANT),
                Map.of("userId", "batch-2", "tenantId", TENANT, "name", "Two")), write());
        assertThat(ok.status()).as(ok.raw()).isEqualTo(201);
        assertThat(ok.body()).hasSize(2);
        Http.Answer bad = http.postJson("/v1/users", List.of(Map.of("userId", "batch-3", "tenantId", TENANT),
                Map.of("userId", "batch-1", "tenantId", TENANT)), write());
        assertThat(bad.status()).isEqualTo(409);
        assertThat(Pg.scalar(database, "SELECT count(*) FROM users WHERE user_id = 'batch-3'")).isEqualTo("0");
    }

    @Test
    void a_transaction_failing_on_its_third_op_leaves_nothing_outbox_included() {
        String outbox = Pg.scalar(database, "SELECT count(*) FROM cairn.outbox");
        Map<String, Object> tx = Map.of("ops", List.of(
                Map.of("op", "create", "entity", "users", "args", Map.of("data", Map.of("userId", "tx-1", "tenantId", TENANT))),
                Map.of("op", "update", "entity", "conversations", "args", Map.of("id", "user-1:conv-1", "data", Map.of("title", "in tx"))),
                Map.of("op", "create", "entity", "users", "args", Map.of("data", Map.of("userId", "tx-1", "tenantId", TENANT)))));
        Http.Answer failed = http.postJson("/v1/_transact", tx, write());
        assertThat(failed.status()).as(failed.raw()).isEqualTo(409);
        assertThat(failed.body().path("op").asInt()).isEqualTo(2);
        assertThat(Pg.scalar(database, "SELECT count(*) FROM users WHERE user_id = 'tx-1'")).isEqualTo("0");
        assertThat(Pg.scalar(database, "SELECT title FROM conversations WHERE conversation_id = 'conv-1'")).isNotEqualTo("in tx");
        assertThat(Pg.scalar(database, "SELECT count(*) FROM cairn.outbox")).isEqualTo(outbox);

        Map<String, Object> good = Map.of("ops", List.of(
                Map.of("op", "create", "entity", "users", "args", Map.of("data", Map.of("userId", "tx-2", "tenantId", TENANT))),
                Map.of("op", "update", "entity", "users", "args", Map.of("id", "tx-2", "data", Map.of("name", "Tx"))),
                Map.of("op", "delete", "entity", "users", "args", Map.of("id", "tx-2"))));
        Http.Answer ok = http.postJson("/v1/_transact", good, write());
        assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
        assertThat(ok.body().path("data")).hasSize(3);
        assertThat(ok.body().path("data").get(1).path("name").asText()).isEqualTo("Tx");
        assertThat(Pg.scalar(database, "SELECT string_agg(type, ',' ORDER BY seq) FROM cairn.outbox WHERE aggregate_id = 'tx-2'"))
                .isEqualTo("created,updated,deleted");
    }

    @Test
    void a_hundred_concurrent_requests_with_one_key_write_one_row() throws Exception {
        String key = "same-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("userId", "user-1", "conversationId", "conv-1", "role", "tool", "content", key);
        List<java.util.concurrent.Future<Http.Answer>> answers = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                answers.add(pool.submit(() -> http.postJson("/v1/messages", body, auth("Idempotency-Key", key))));
            }
        }
        List<Integer> statuses = new ArrayList<>();
        for (var f : answers) {
            statuses.add(f.get().status());
        }
        assertThat(statuses).as(answers.stream().map(f -> f.resultNow().raw()).filter(r -> !r.contains("userId"))
                .distinct().toList().toString()).containsOnly(201, 409).contains(201);
        assertThat(Pg.scalar(database, "SELECT count(*) FROM messages WHERE content = ?", key)).isEqualTo("1");
        assertThat(Pg.scalar(database, "SELECT count(*) FROM cairn.outbox WHERE payload->>'content' = ?", key)).isEqualTo("1");
        Http.Answer after = http.postJson("/v1/messages", body, auth("Idempotency-Key", key));
        assertThat(after.status()).isEqualTo(201);
        assertThat(after.header("x-idempotent-replay")).isEqualTo("true");
    }

    @Test
    void writes_need_a_key_and_missing_rows_are_404() {
        Http.Answer noKey = http.postJson("/v1/users", Map.of("userId", "k", "tenantId", TENANT), auth());
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body().path("error").asText()).isEqualTo("idempotency_required");
        Http.Answer missing = http.json("PATCH", "/v1/users/nobody", Map.of("name", "x"), write());
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body().path("error").asText()).isEqualTo("not_found");
        assertThat(http.json("DELETE", "/v1/users/nobody", null, write()).status()).isEqualTo(404);
    }

    @Test
    void searches_by_embedding_over_a_real_array() {
        Http.Answer a = http.postJson("/v1/messages/_search-embedding", Map.of("embedding", List.of(3, 1, 0), "k", 3), auth());
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        JsonNode data = a.body().path("data");
        assertThat(data).hasSize(3);
        assertThat(data.get(0).path("content").asText()).isEqualTo("message 3");
        assertThat(data.get(0).path("_distance").asDouble()).isLessThan(1e-6);
        Http.Answer none = http.postJson("/v1/users/_search-embedding", Map.of("embedding", List.of(1)), auth());
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.body().path("message").asText()).contains("no embedding column");
    }

    @Test
    void describes_the_entities_in_openapi_3_1() {
        Http.Answer a = http.get("/v1/openapi.json", auth());
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        assertThat(a.body().path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(a.body().path("paths").has("/v1/agent-shared-states/{id}")).isTrue();
        JsonNode messages = a.body().path("components").path("schemas").path("messages").path("properties");
        assertThat(messages.path("role").path("enum")).extracting(JsonNode::asText).contains("assistant");
        assertThat(messages.path("contentLength").path("readOnly").asBoolean()).isTrue();
    }
}
