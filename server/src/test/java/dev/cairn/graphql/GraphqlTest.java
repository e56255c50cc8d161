package dev.cairn.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Jwts;
import dev.cairn.testing.Pg;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The GraphQL face over the data API's fixture ({@code panorama}: users, conversations keyed by user
 * and conversation, messages, three-part agent states) plus functions: the generated schema, lists
 * with filters, nested relations read in one statement, mutations in one transaction with their
 * outbox rows and idempotency, functions as fields, errors with the REST faces' codes. Real
 * PostgreSQL, real HTTP.
 */
class GraphqlTest {

    static final String TENANT = "gql-tenant";
    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(Jwts.env());
    private static final Http http = gateway.http();
    private static String platform;
    private static String database;

    static final String FUNCTIONS = """
            CREATE FUNCTION message_count(p_user_id text) RETURNS bigint LANGUAGE sql STABLE AS $$
                SELECT count(*) FROM messages WHERE user_id = p_user_id
            $$;
            CREATE FUNCTION conversation_titles(p_user_id text, p_limit integer DEFAULT 10)
                RETURNS TABLE (conversation_id text, title text) LANGUAGE sql STABLE AS $$
                SELECT conversation_id, title FROM conversations WHERE user_id = p_user_id
                ORDER BY conversation_id LIMIT p_limit
            $$;
            CREATE FUNCTION rename_user(p_user_id text, p_name text) RETURNS integer LANGUAGE sql AS $$
                UPDATE users SET name = p_name WHERE user_id = p_user_id RETURNING 1
            $$;
            """;

    @BeforeAll
    static void start() {
        platform = gateway.platform();
        Map<String, String> files = new LinkedHashMap<>(Bundles.files(Bundles.fixture("panorama")));
        files.put("postgresql/functions/graphql_functions.pssql", FUNCTIONS);
        assertThat(http.register(platform, TENANT, Bundles.tarGz(files)).status()).isEqualTo(200);
        database = platform + "_" + TENANT;
        Pg.execute(database, """
                INSERT INTO users (user_id, tenant_id, email, name) VALUES
                  ('user-1', 'gql-tenant', 'one@example.com', 'One'), ('user-2', 'gql-tenant', 'two@example.com', 'Two'),
                  ('user-3', 'gql-tenant', NULL, 'Three');
                INSERT INTO conversations (user_id, conversation_id, tenant_id, title) VALUES
                  ('user-1', 'c1', 'gql-tenant', 'First'), ('user-1', 'c2', 'gql-tenant', 'Second'),
                  ('user-2', 'c3', 'gql-tenant', 'Third');
                INSERT INTO messages (user_id, conversation_id, tenant_id, role, content)
                  SELECT 'user-1', 'c1', 'gql-tenant', 'user', 'message ' || i FROM generate_series(1, 7) i;
                INSERT INTO messages (user_id, conversation_id, tenant_id, role, content)
                  VALUES ('user-2', 'c3', 'gql-tenant', 'assistant', 'hello');
                """);
    }

    static String[] auth(String... more) {
        List<String> h = new ArrayList<>(List.of("Authorization", "Bearer " + Jwts.token(platform, TENANT, List.of("admin")),
                "x-tenant-id", TENANT));
        h.addAll(List.of(more));
        return h.toArray(String[]::new);
    }

    static Http.Answer gql(String query, Map<String, Object> variables, String... headers) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", query);
        body.put("variables", variables);
        return http.postJson("/graphql", body, headers.length == 0 ? auth() : headers);
    }

    static JsonNode data(Http.Answer a) {
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
        assertThat(a.body().path("errors").isMissingNode()).as(a.raw()).isTrue();
        return a.body().path("data");
    }

    static String code(Http.Answer a) {
        assertThat(a.body().path("errors").isArray()).as(a.raw()).isTrue();
        return a.body().path("errors").get(0).path("extensions").path("code").asText();
    }

    @Test
    void lists_with_filters_order_and_take() {
        JsonNode d = data(gql("""
                query($like: String!) {
                  users(where: {email: {contains: $like}}, orderBy: [{userId: desc}], take: 5) { userId name email }
                }""", Map.of("like", "example.com")));
        assertThat(d.path("users")).hasSize(2);
        assertThat(d.path("users").get(0).path("userId").asText()).isEqualTo("user-2");
        assertThat(d.path("users").get(1).path("name").asText()).isEqualTo("One");
        assertThat(d.path("users").get(0).has("createdAt")).isFalse(); // only what was asked

        JsonNode nulls = data(gql("{ users(where: {email: {equals: null}, userId: {startsWith: \"user-\"}}) { userId } }",
                Map.of()));
        assertThat(nulls.path("users")).hasSize(1);
        assertThat(nulls.path("users").get(0).path("userId").asText()).isEqualTo("user-3");
    }

    @Test
    void nested_relations_to_one_and_to_many_come_from_one_statement() {
        Http.Answer a = gql("""
                {
                  users(where: {userId: {startsWith: "user-"}}, orderBy: [{userId: asc}], take: 2) {
                    userId
                    conversations(orderBy: [{conversationId: desc}]) {
                      conversationId title
                      latest: messages(orderBy: [{id: desc}], take: 2) { content role conversations { user { name } } }
                      first: messages(orderBy: [{id: asc}], take: 1) { content }
                    }
                  }
                }""", Map.of());
        JsonNode d = data(a);
        JsonNode one = d.path("users").get(0);
        assertThat(one.path("userId").asText()).isEqualTo("user-1");
        assertThat(one.path("conversations")).hasSize(2);
        JsonNode c1 = one.path("conversations").get(1);
        assertThat(c1.path("conversationId").asText()).isEqualTo("c1");
        assertThat(c1.path("latest")).hasSize(2);
        assertThat(c1.path("latest").get(0).path("content").asText()).isEqualTo("message 7");
        assertThat(c1.path("latest").get(0).path("conversations").path("user").path("name").asText()).isEqualTo("One");
        assertThat(c1.path("first").get(0).path("content").asText()).isEqualTo("message 1");
        assertThat(d.path("users").get(1).path("conversations").get(0).path("latest").get(0).path("role").asText())
                .isEqualTo("assistant");
        assertThat(a.body().path("extensions").path("statements").asInt()).isEqualTo(1);
    }

    /**
     * Reads of plain fields and relations are answered by copying PostgreSQL's JSON under the
     * selection's keys (no graphql-java execution): the same answer, byte for byte, as graphql-java
     * gives when something in the request makes it execute (here a root {@code __typename}).
     */
    @Test
    void rows_copied_as_postgresql_wrote_them_answer_exactly_what_graphql_java_answers() throws Exception {
        String selection = """
                  people: users(orderBy: [{userId: asc}], take: 5) {
                    email who: name userId createdAt
                    convs: conversations(orderBy: [{conversationId: desc}], take: 5) {
                      title
                      latest: messages(orderBy: [{id: desc}], take: 2) { role content id conversations { user { name email } } }
                      none: messages(where: {content: {equals: "nothing"}}, take: 5) { id }
                      ...on Conversations { conversationId }
                    }
                  }
                  one: messagesByPk(id: 1) { content conversations { title user { userId } } }
                  missing: usersByPk(userId: "nobody") { userId }
                  again: users(where: {userId: {equals: "user-3"}}) { email name email }
                """;
        Http.Answer copied = gql("{" + selection + "}", Map.of());
        Http.Answer executed = gql("{ t: __typename " + selection + "}", Map.of());
        JsonNode fast = data(copied);
        com.fasterxml.jackson.databind.node.ObjectNode slow = (com.fasterxml.jackson.databind.node.ObjectNode) data(executed);
        assertThat(slow.remove("t").asText()).isEqualTo("Query");
        assertThat(Http.JSON.writeValueAsString(fast)).isEqualTo(Http.JSON.writeValueAsString(slow));
        assertThat(fast.path("missing").isNull()).isTrue();
        assertThat(fast.path("people").get(0).path("convs").get(0).path("none")).isEmpty();
        assertThat(fast.path("again").get(0).path("email").isNull()).isTrue();
        java.util.List<String> keys = new ArrayList<>();
        fast.path("people").get(0).fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("email", "who", "userId", "createdAt", "convs");
    }

    /** A document is normalized once; each request's variables still decide its arguments and its cost. */
    @Test
    void one_document_sent_again_with_other_variables_answers_for_those_variables() {
        String q = "query($id: String!, $n: Int) { usersByPk(userId: $id) { name } "
                + "users(take: $n, orderBy: [{userId: asc}], where: {userId: {startsWith: \"user-\"}}) { userId } }";
        JsonNode first = data(gql(q, Map.of("id", "user-1", "n", 1)));
        assertThat(first.path("usersByPk").path("name").asText()).isEqualTo("One");
        assertThat(first.path("users")).hasSize(1);
        JsonNode second = data(gql(q, Map.of("id", "user-2", "n", 2)));
        assertThat(second.path("usersByPk").path("name").asText()).isEqualTo("Two");
        assertThat(second.path("users")).hasSize(2);
        assertThat(code(gql(q, Map.of("n", 1)))).isEqualTo("invalid_query"); // $id is required
        String deep = "query($n: Int) { users(take: $n) { conversations(take: $n) { messages(take: $n) { id } } } }";
        assertThat(data(gql(deep, Map.of("n", 2))).path("users").isArray()).isTrue();
        assertThat(code(gql(deep, Map.of("n", 1000)))).isEqualTo("query_too_complex");
    }

    @Test
    void pages_carry_a_cursor_and_a_total_and_by_key_finds_one_row() {
        JsonNode first = data(gql("{ messagesPage(take: 3, orderBy: [{id: asc}]) { data { id content } nextCursor total } }",
                Map.of()));
        assertThat(first.path("messagesPage").path("data")).hasSize(3);
        assertThat(first.path("messagesPage").path("total").asLong()).isEqualTo(8);
        String cursor = first.path("messagesPage").path("nextCursor").asText();
        JsonNode next = data(gql("query($c: String) { messagesPage(take: 3, orderBy: [{id: asc}], cursor: $c) { data { content } } }",
                Map.of("c", cursor)));
        assertThat(next.path("messagesPage").path("data").get(0).path("content").asText()).isEqualTo("message 4");

        JsonNode byKey = data(gql("""
                { conversationsByPk(userId: "user-1", conversationId: "c2") { title user { email } }
                  missing: conversationsByPk(userId: "user-1", conversationId: "nope") { title } }""", Map.of()));
        assertThat(byKey.path("conversationsByPk").path("title").asText()).isEqualTo("Second");
        assertThat(byKey.path("conversationsByPk").path("user").path("email").asText()).isEqualTo("one@example.com");
        assertThat(byKey.path("missing").isNull()).isTrue();
    }

    @Test
    void functions_are_fields_with_their_declared_types() {
        JsonNode d = data(gql("""
                { messageCount(p_user_id: "user-1")
                  conversationTitles(p_user_id: "user-1", p_limit: 1) { conversation_id title } }""", Map.of()));
        assertThat(d.path("messageCount").isIntegralNumber()).isTrue();
        assertThat(d.path("messageCount").asLong()).isEqualTo(7);
        assertThat(d.path("conversationTitles")).hasSize(1);
        assertThat(d.path("conversationTitles").get(0).path("title").asText()).isEqualTo("First");

        JsonNode renamed = data(gql("mutation { renameUser(p_user_id: \"user-3\", p_name: \"Trois\") }", Map.of(),
                auth("Idempotency-Key", UUID.randomUUID().toString())));
        assertThat(renamed.path("renameUser").asInt()).isEqualTo(1);
        assertThat(Pg.scalar(database, "SELECT name FROM users WHERE user_id = 'user-3'")).isEqualTo("Trois");
    }

    @Test
    void mutations_run_in_one_transaction_with_outbox_rows_and_an_idempotency_key() {
        String key = UUID.randomUUID().toString();
        String mutation = """
                mutation {
                  a: createUsers(data: {userId: "gql-a", tenantId: "gql-tenant", name: "A"}) { userId name }
                  b: createConversations(data: {userId: "gql-a", conversationId: "ca", title: "T"}) { title user { name } }
                  u: updateUsers(userId: "gql-a", data: {name: "A2"}) { name }
                }""";
        Http.Answer first = gql(mutation, Map.of(), auth("Idempotency-Key", key));
        JsonNode d = data(first);
        assertThat(d.path("a").path("name").asText()).isEqualTo("A");
        assertThat(d.path("b").path("user").path("name").asText()).isEqualTo("A"); // read as before the statement
        assertThat(d.path("u").path("name").asText()).isEqualTo("A2");
        assertThat(Pg.scalar(database, "SELECT count(*) FROM cairn.outbox WHERE aggregate_id IN ('gql-a', 'gql-a:ca')"))
                .isEqualTo("3");
        Http.Answer again = gql(mutation, Map.of(), auth("Idempotency-Key", key));
        assertThat(data(again)).isEqualTo(d);
        assertThat(Pg.scalar(database, "SELECT count(*) FROM users WHERE user_id = 'gql-a'")).isEqualTo("1");

        // the second op fails: the first is rolled back with it
        Http.Answer failed = gql("""
                mutation {
                  ok: createUsers(data: {userId: "gql-b", tenantId: "gql-tenant"}) { userId }
                  dup: createUsers(data: {userId: "gql-a", tenantId: "gql-tenant"}) { userId }
                }""", Map.of(), auth("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(failed.status()).isEqualTo(200);
        assertThat(code(failed)).isEqualTo("conflict");
        assertThat(failed.body().path("errors").get(0).path("path").get(0).asText()).isEqualTo("dup");
        assertThat(failed.body().path("data").path("ok").isNull()).isTrue();
        assertThat(Pg.scalar(database, "SELECT count(*) FROM users WHERE user_id = 'gql-b'")).isEqualTo("0");

        Http.Answer noKey = gql("mutation { deleteUsers(userId: \"gql-a\") { userId } }", Map.of());
        assertThat(code(noKey)).isEqualTo("idempotency_required");
    }

    @Test
    void errors_carry_the_rest_codes_and_no_sql() {
        assertThat(code(gql("{ users { nope } }", Map.of()))).isEqualTo("invalid_query");
        assertThat(code(gql("{ users(", Map.of()))).isEqualTo("invalid_query");
        assertThat(code(gql("query($t: Int!) { users(take: $t) { userId } }", Map.of("t", "x")))).isEqualTo("invalid_query");
        Http.Answer take = gql("{ users(take: 5000) { userId } }", Map.of());
        assertThat(code(take)).isEqualTo("invalid_query");
        assertThat(take.raw()).doesNotContain("SELECT");
        Http.Answer badValue = gql("{ users(where: {createdAt: {gt: \"not a time\"}}) { userId } }", Map.of());
        assertThat(code(badValue)).isEqualTo("validation_error"); // as the data API answers it
        assertThat(badValue.raw()).doesNotContain("SELECT").doesNotContain("at dev.cairn");
        Http.Answer noToken = gql("{ users { userId } }", Map.of(), "x-tenant-id", TENANT);
        assertThat(noToken.body().toString()).contains("unauthorized");
    }

    @Test
    void depth_breadth_and_cost_are_limited() {
        String deep = "{ users { " + "conversations { user { ".repeat(6) + "userId" + " } }".repeat(6) + " } }";
        Http.Answer tooDeep = gql(deep, Map.of());
        assertThat(code(tooDeep)).as(tooDeep.raw()).isEqualTo("query_too_complex");
        Http.Answer costly = gql("{ users(take: 1000) { conversations(take: 1000) { messages(take: 1000) { id } } } }",
                Map.of());
        assertThat(code(costly)).isEqualTo("query_too_complex");
        assertThat(costly.body().path("errors").get(0).path("message").asText()).contains("GRAPHQL_MAX_COST");
        StringBuilder wide = new StringBuilder("{ users { ");
        for (int i = 0; i < 101; i++) {
            wide.append("f").append(i).append(": userId ");
        }
        assertThat(code(gql(wide.append("} }").toString(), Map.of()))).isEqualTo("query_too_complex");
    }

    @Test
    void introspection_describes_the_generated_schema() {
        JsonNode d = data(gql("{ __type(name: \"Messages\") { fields { name type { kind name ofType { name } } } } }",
                Map.of()));
        Map<String, String> types = new LinkedHashMap<>();
        for (JsonNode f : d.path("__type").path("fields")) {
            JsonNode t = f.path("type");
            types.put(f.path("name").asText(), t.path("name").isNull() ? t.path("ofType").path("name").asText()
                    : t.path("name").asText());
        }
        assertThat(types).containsEntry("id", "BigInt").containsEntry("createdAt", "DateTime")
                .containsEntry("contentLength", "Int").containsEntry("content", "String").containsKey("conversations");
    }
}
