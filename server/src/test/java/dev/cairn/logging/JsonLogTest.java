package dev.cairn.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.Schema;
import dev.cairn.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * LOG_FORMAT=json on a real gateway: what it writes to standard output, captured while it runs,
 * is one JSON object per line, and every request's access line carries its fields.
 */
class JsonLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "pw-" + TestGateway.randomHex() + "-never-logged";
    private static final Logger ACCESS = (Logger) LoggerFactory.getLogger("cairn.access");

    private static final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private static PrintStream original;
    private static TestGateway gateway;
    private static Http http;

    @BeforeAll
    static void start() {
        original = System.out;
        System.setOut(new PrintStream(new Tee(original), true, StandardCharsets.UTF_8));
        ACCESS.setLevel(Level.DEBUG); // 2xx access lines are DEBUG
        // trust authentication ignores the password: it is there to prove it is never written
        gateway = TestGateway.start(Map.of("LOG_FORMAT", "json", "DATABASE_URL",
                "postgres://" + Pg.USER + ":" + PASSWORD + "@" + Pg.HOST + ":" + Pg.PORT + "/postgres"));
        http = gateway.http();
    }

    @AfterAll
    static void stop() {
        try {
            gateway.close();
        } finally {
            System.setOut(original);
            ACCESS.setLevel(null);
            LogEncoder.use(LogEncoder.TEXT);
        }
    }

    @Test
    void every_line_written_is_one_json_object_with_timestamp_level_logger_and_message() throws Exception {
        assertThat(http.get("/health").status()).isEqualTo(200);
        accessLine(http.get("/no-such-route", "X-Request-Id", "probe-" + TestGateway.randomHex())
                .header("X-Request-Id"));

        List<JsonNode> lines = lines();
        assertThat(lines).isNotEmpty();
        assertThat(lines).allSatisfy(j -> assertThat(j.has("timestamp") && j.has("level") && j.has("logger")
                && j.has("message")).as(j.toString()).isTrue());
        assertThat(lines).anySatisfy(j -> assertThat(j.get("message").asText()).startsWith("Cairn 0.1.0 ready on"));
    }

    @Test
    void a_call_writes_an_access_line_with_the_request_fields_and_the_platform_and_tenant() throws Exception {
        String platform = gateway.platform();
        assertThat(http.register(platform, null, Schema.base().tarGz()).status()).isEqualTo(200);
        Http.Answer tenant = http.postJson("/admin/create-tenant", Map.of("platform", platform, "tenant_id", "acme"),
                "Authorization", "Bearer " + TestGateway.ADMIN_TOKEN);
        assertThat(tenant.status()).as(tenant.toString()).isEqualTo(201);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("tenant_id", "acme");
        body.put("function", "greet");
        body.put("params", List.of("logs"));
        String id = "call-" + TestGateway.randomHex();
        Http.Answer call = http.postJson("/call", body, "X-Request-Id", id);
        assertThat(call.status()).as(call.toString()).isEqualTo(200);

        JsonNode line = accessLine(id);
        assertThat(line.get("level").asText()).isEqualTo("DEBUG");
        assertThat(line.get("logger").asText()).isEqualTo("cairn.access");
        assertThat(line.get("method").asText()).isEqualTo("POST");
        assertThat(line.get("route").asText()).isEqualTo("/call");
        assertThat(line.get("path").asText()).isEqualTo("/call");
        assertThat(line.get("status").isInt()).isTrue();
        assertThat(line.get("status").asInt()).isEqualTo(200);
        assertThat(line.get("duration_ms").isIntegralNumber()).isTrue();
        assertThat(line.get("platform").asText()).isEqualTo(platform);
        assertThat(line.get("tenant").asText()).isEqualTo("acme");
        assertThat(line.get("message").asText()).isEqualTo("POST /call 200 " + line.get("duration_ms").asLong() + "ms");
    }

    @Test
    void a_route_with_a_path_parameter_is_logged_with_its_template_and_its_real_path_and_errors_at_info()
            throws Exception {
        String platform = "missing" + TestGateway.randomHex();
        String id = "schemas-" + TestGateway.randomHex();
        assertThat(http.get("/platform/" + platform + "/schemas", "X-Request-Id", id).status()).isEqualTo(404);

        JsonNode line = accessLine(id);
        assertThat(line.get("level").asText()).isEqualTo("INFO");
        assertThat(line.get("route").asText()).isEqualTo("/platform/{platform}/schemas");
        assertThat(line.get("path").asText()).isEqualTo("/platform/" + platform + "/schemas");
        assertThat(line.get("platform").asText()).isEqualTo(platform);
        assertThat(line.has("tenant")).isFalse();
        assertThat(line.get("status").asInt()).isEqualTo(404);
    }

    @Test
    void no_token_and_no_password_is_ever_written() throws Exception {
        String platform = gateway.platform();
        assertThat(http.postJson("/platform/register", Map.of("platform", platform)).status()).isEqualTo(200);
        String[] admin = {"Authorization", "Bearer " + TestGateway.ADMIN_TOKEN};
        Http.Answer issued = http.postJson("/admin/platform-token", Map.of("platform", platform), admin);
        assertThat(issued.status()).isEqualTo(201);
        String token = issued.body().get("token").asText();
        String id = "token-" + TestGateway.randomHex();
        assertThat(http.get("/platform/" + platform + "/schemas", "Authorization", "Bearer " + token,
                "X-Request-Id", id).status()).isEqualTo(200);
        String wrong = "wrong-token-" + TestGateway.randomHex();
        String refused = "refused-" + TestGateway.randomHex();
        assertThat(http.get("/admin/platforms", "Authorization", "Bearer " + wrong, "X-Request-Id", refused)
                .status()).isEqualTo(401);
        accessLine(refused);

        String all = output();
        assertThat(all).contains(id, refused)
                .doesNotContain(token, wrong, TestGateway.ADMIN_TOKEN, PASSWORD, "Authorization", "Bearer");
    }

    /** The access line of one request: written just after its answer, so it may take a moment to appear. */
    private static JsonNode accessLine(String requestId) throws InterruptedException, IOException {
        for (int i = 0; i < 100; i++) {
            Optional<JsonNode> line = lines().stream().filter(j -> j.path("logger").asText().equals("cairn.access")
                    && j.path("request_id").asText().equals(requestId)).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access line for request " + requestId + " in:\n" + output());
    }

    private static List<JsonNode> lines() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        String text = output();
        // only whole lines: one may be half written while the gateway logs
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            if (!line.isEmpty()) {
                JsonNode j = JSON.readTree(line); // fails the test on any line that is not JSON
                assertThat(j.isObject()).as(line).isTrue();
                out.add(j);
            }
        }
        return out;
    }

    private static String output() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** Standard output still goes where it went; a copy is kept for the test. */
    private static final class Tee extends OutputStream {
        private final OutputStream through;

        Tee(OutputStream through) {
            this.through = through;
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (captured) {
                captured.write(b);
            }
            through.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (captured) {
                captured.write(b, off, len);
            }
            through.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            through.flush();
        }
    }
}
