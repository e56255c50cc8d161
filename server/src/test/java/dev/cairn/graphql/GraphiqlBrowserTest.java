package dev.cairn.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Await;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.Chromium;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Jwts;
import dev.cairn.testing.Pg;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GraphiQL in a real browser (headless Chromium over the DevTools protocol): a user who opens
 * {@code /graphql}, types a token and a tenant into the Headers tab and a query into the editor,
 * and presses the run button sees the tenant's rows in the result pane; and everything the page
 * loads or sends goes to the gateway itself, never to a CDN or any other origin. Skipped where there
 * is no Chromium, unless {@code CAIRN_BROWSER_REQUIRED=1}.
 */
class GraphiqlBrowserTest {

    private static final String TENANT = "browser-tenant";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String QUERY = "{ users(orderBy: [{userId: asc}]) { userId name } }";
    private static final String QUERY_EDITOR = ".graphiql-query-editor .CodeMirror";
    private static final String HEADERS_TAB = ".graphiql-editor-tools-tabs button:nth-child(2)";
    private static final String HEADERS_EDITOR = "section.graphiql-editor-tool[aria-label=Headers] "
            + ".graphiql-editor:not(.hidden) .CodeMirror";
    private static final String RESULT_EDITOR = ".graphiql-response .result-window .CodeMirror";

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(Jwts.env());
    private static final Http http = gateway.http();
    private static Chromium chromium;
    /** One token for the class: two made in different seconds differ (their expiry is in seconds). */
    private static String token;

    /** A request the page made, as the browser reported it before sending it. */
    private record Request(String method, String url, JsonNode headers) {
    }

    @BeforeAll
    static void start() {
        chromium = Chromium.start();
        String platform = gateway.platform();
        token = Jwts.token(platform, TENANT, List.of("admin"));
        assertThat(http.register(platform, TENANT, Bundles.tarGz(Bundles.fixture("panorama"))).status()).isEqualTo(200);
        Pg.execute(platform + "_" + TENANT, """
                INSERT INTO users (user_id, tenant_id, email, name) VALUES
                  ('user-1', 'browser-tenant', 'ada@example.com', 'Ada Lovelace'),
                  ('user-2', 'browser-tenant', 'grace@example.com', 'Grace Hopper')
                """);
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void a_query_run_from_graphiql_with_the_headers_tab_shows_the_tenants_rows() {
        try (Chromium.Page page = chromium.newPage()) {
            openGraphiql(page);
            run(page, QUERY, headers());

            JsonNode answer = json(resultText(page));
            assertThat(answer.path("errors").isMissingNode()).as(answer.toString()).isTrue();
            assertThat(answer.path("data").path("users").findValuesAsText("name"))
                    .containsExactly("Ada Lovelace", "Grace Hopper");
        }
    }

    @Test
    void everything_the_page_loads_and_sends_goes_to_the_gateway_itself() {
        try (Chromium.Page page = chromium.newPage()) {
            Queue<Request> requests = new ConcurrentLinkedQueue<>();
            page.on("Network.requestWillBeSent", e -> requests.add(new Request(e.path("request").path("method").asText(),
                    e.path("request").path("url").asText(), e.path("request").path("headers"))));
            page.call("Network.enable", Map.of());
            openGraphiql(page);
            run(page, QUERY, headers());

            String origin = "http://127.0.0.1:" + gateway.port();
            // The fonts inlined in GraphiQL's CSS are data: URLs, which the browser reports as requests
            // although they go nowhere.
            List<Request> sent = requests.stream().filter(r -> !r.url().startsWith("data:")).toList();
            assertThat(sent).extracting(Request::url).allSatisfy(url -> assertThat(url).startsWith(origin + "/"))
                    .contains(origin + "/graphql", origin + "/graphql/assets/graphiql.min.js",
                            origin + "/graphql/assets/graphiql.min.css");
            // The query went out with the token typed into the Headers tab, not the page's placeholder.
            assertThat(sent).filteredOn(r -> r.method().equals("POST") && r.url().equals(origin + "/graphql"))
                    .extracting(r -> r.headers().path("Authorization").asText())
                    .contains("Bearer " + token);
        }
    }

    private static JsonNode json(String text) {
        try {
            return Http.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("the result pane holds no JSON: " + text, e);
        }
    }

    private static String headers() {
        return "{\"Authorization\": \"Bearer " + token + "\", \"x-tenant-id\": \"" + TENANT + "\"}";
    }

    /** Navigates as a user does (the browser's own Accept: text/html picks the page) and waits for the editors. */
    private static void openGraphiql(Chromium.Page page) {
        page.call("Page.navigate", Map.of("url", "http://127.0.0.1:" + gateway.port() + "/graphql"));
        Await.until("GraphiQL's editors on the page", WAIT,
                () -> page.eval("!!document.querySelector(" + Chromium.Page.quote(QUERY_EDITOR) + ")"
                        + " && !!document.querySelector(" + Chromium.Page.quote(RESULT_EDITOR) + ")").asBoolean());
    }

    /** Replaces the headers and the query by typing over them, clicks run and waits for this query's answer. */
    private static void run(Chromium.Page page, String query, String headers) {
        page.click(HEADERS_TAB);
        typeOver(page, HEADERS_EDITOR, headers);
        typeOver(page, QUERY_EDITOR, query);
        page.click(".graphiql-execute-button");
        try {
            Await.until("the rows in GraphiQL's result pane", WAIT, () -> resultText(page).contains("Grace Hopper"));
        } catch (AssertionError e) {
            throw new AssertionError("GraphiQL's result pane shows no rows; it holds: " + resultText(page), e);
        }
    }

    /** Clicks into a CodeMirror editor, selects all with Ctrl+A and types; then checks the editor took it whole. */
    private static void typeOver(Chromium.Page page, String editor, String text) {
        page.click(editor);
        page.ctrl("a");
        page.insertText(text);
        assertThat(editorText(page, editor)).as("what %s holds after typing", editor).isEqualTo(text);
    }

    private static String resultText(Chromium.Page page) {
        return editorText(page, RESULT_EDITOR);
    }

    /** An editor's whole text: CodeMirror draws only the lines in view, so the DOM's text is not all of it. */
    private static String editorText(Chromium.Page page, String editor) {
        return page.eval("document.querySelector(" + Chromium.Page.quote(editor) + ").CodeMirror.getValue()").asText();
    }
}
