package dev.cairn.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /openapi.json and /docs against a real gateway, and docs/errors.md against ErrorCode and HttpErrors. */
class OpenApiTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static final Http http = gateway.http();
    private static JsonNode doc;

    @BeforeAll
    static void start() {
        Http.Answer a = http.get("/openapi.json");
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.header("content-type")).startsWith("application/json");
        doc = a.body();
    }

    @Test
    void the_document_is_openapi_3_1_with_both_security_schemes() {
        assertThat(doc.get("openapi").asText()).startsWith("3.1.");
        assertThat(doc.get("info").get("title").asText()).isEqualTo("Cairn");
        JsonNode schemes = doc.get("components").get("securitySchemes");
        assertThat(schemes.get("adminToken").get("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.get("platformToken").get("scheme").asText()).isEqualTo("bearer");
        assertThat(doc.get("paths").get("/admin/databases").get("get").get("security").toString())
                .isEqualTo("[{\"adminToken\":[]}]");
    }

    @Test
    void every_documented_route_is_served_under_its_method() {
        List<String> missing = new ArrayList<>();
        for (MatchedRoute route : DocsRoutes.documented(Http.write(doc).getBytes(StandardCharsets.UTF_8))) {
            String path = route.template().replace("{platform}", "nosuchplatform")
                    .replace("{entity}", "nosuchentity").replace("{id}", "x").replace("{database}", "nosuchdatabase")
                    .replace("{file}", "graphiql.min.css")
                    .replace("{name}", "x").replace("{version}", "1.0.0").replace("{realmId}", "x")
                    .replace("{job_id}", "00000000-0000-0000-0000-000000000000");
            Http.Answer a = http.method(route.method(), path);
            boolean routed = a.status() != 405 && !(a.status() == 404 && "not_found".equals(a.body().path("error").asText()));
            if (!routed && !DocsRoutes.REGISTERED_ELSEWHERE.contains(route)) {
                missing.add(route + " -> " + a);
            }
        }
        assertThat(missing).isEmpty();
        assertThat(doc.get("paths").size()).isGreaterThanOrEqualTo(21);
    }

    @Test
    void a_served_route_missing_from_the_document_or_a_documented_route_not_served_stops_start_up() {
        Set<MatchedRoute> documented = Set.of(new MatchedRoute("GET", "/health"), new MatchedRoute("GET", "/gone"),
                new MatchedRoute("GET", "/metrics"));
        List<MatchedRoute> served = List.of(new MatchedRoute("GET", "/health"), new MatchedRoute("POST", "/new"));

        assertThatThrownBy(() -> DocsRoutes.check(documented, served))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("served but not in openapi.json: POST /new")
                .hasMessageContaining("in openapi.json but not served: GET /gone")
                .hasMessageNotContaining("/metrics");
        DocsRoutes.check(Set.of(new MatchedRoute("GET", "/health")), List.of(new MatchedRoute("GET", "/health")));
    }

    @Test
    void the_error_schema_lists_exactly_the_error_codes_and_the_fields_of_the_one_error_shape() {
        JsonNode error = doc.get("components").get("schemas").get("Error");
        Set<String> documented = new TreeSet<>();
        error.get("properties").get("error").get("enum").forEach(n -> documented.add(n.asText()));
        Set<String> codes = Arrays.stream(ErrorCode.values()).map(ErrorCode::wireName)
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(documented).isEqualTo(codes);
        assertThat(error.get("required").toString()).isEqualTo("[\"error\",\"message\"]");
        for (String field : List.of("database", "cause", "sqlstate", "detail", "hint", "file", "line", "request_id")) {
            assertThat(error.get("properties").has(field)).as(field).isTrue();
        }
    }

    @Test
    void every_error_response_of_every_operation_is_the_error_shape() {
        JsonNode responses = doc.get("components").get("responses");
        responses.properties().forEach(r -> assertThat(r.getValue().get("content").get("application/json")
                .get("schema").get("$ref").asText()).as(r.getKey()).isEqualTo("#/components/schemas/Error"));
        doc.get("paths").properties().forEach(p -> p.getValue().properties().forEach(op ->
                op.getValue().get("responses").properties().forEach(r -> {
                    if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                        assertThat(r.getValue().get("$ref").asText()).as(p.getKey() + " " + r.getKey())
                                .isEqualTo("#/components/responses/E" + r.getKey());
                    }
                })));
    }

    @Test
    void the_docs_page_is_self_contained_html_that_renders_the_document() {
        Http.Answer a = http.get("/docs");

        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("content-type")).startsWith("text/html");
        assertThat(a.raw()).contains("<!doctype html>").contains("fetch(\"/openapi.json\")");
        assertThat(a.raw()).doesNotContainPattern("(src|href)=\"(https?:)?//");
    }

    @Test
    void docs_errors_md_names_every_error_code_with_the_status_http_errors_gives_it() throws Exception {
        Path file = Path.of("../docs/errors.md");
        assertThat(file).as("docs/errors.md from the server module").exists();
        String text = Files.readString(file);
        Pattern row = Pattern.compile("^\\| `([a-z_]+)` \\| ([^|]+) \\|", Pattern.MULTILINE);
        Map<String, String> statuses = new java.util.HashMap<>();
        for (Matcher m = row.matcher(text); m.find(); ) {
            statuses.put(m.group(1), m.group(2).strip());
        }
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(statuses).as("a row for " + code.wireName()).containsKey(code.wireName());
            if (code != ErrorCode.QUERY_FAILED && code != ErrorCode.INVALID_CONFIGURATION) {
                String status = String.valueOf(HttpErrors.status(Problem.of(code, "x")));
                assertThat(statuses.get(code.wireName())).as(code.wireName()).isEqualTo(status);
            }
        }
    }
}
