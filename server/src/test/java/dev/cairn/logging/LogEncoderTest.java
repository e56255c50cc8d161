package dev.cairn.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.error.CairnException;
import dev.cairn.server.Config;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/** The two line formats, on events built here (the gateway tests show them on real requests). */
class LogEncoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LoggerContext CONTEXT = (LoggerContext) LoggerFactory.getILoggerFactory();

    private static LogEncoder encoder(String format) {
        LogEncoder e = new LogEncoder();
        e.setContext(CONTEXT);
        e.setFormat(format);
        e.start();
        return e;
    }

    private static LoggingEvent event(String message, Throwable thrown, Map<String, String> mdc,
                                      Object... keyValues) {
        Logger logger = CONTEXT.getLogger("cairn.access");
        LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, message, thrown, null);
        e.setMDCPropertyMap(mdc);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            e.addKeyValuePair(new KeyValuePair((String) keyValues[i], keyValues[i + 1]));
        }
        return e;
    }

    private static String line(LogEncoder encoder, LoggingEvent event) {
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }

    @Test
    void a_json_line_is_one_flat_object_with_the_request_fields_and_numbers_as_numbers() throws Exception {
        Map<String, String> mdc = new LinkedHashMap<>();
        mdc.put("tenant", "acme");
        mdc.put("platform", "notes");
        mdc.put("request_id", "5f0c2a9e1b7d4c3a");
        mdc.put("message", "an MDC key that would shadow the message");
        String out = line(encoder("json"), event("POST /call 404 3ms", null, mdc,
                "method", "POST", "path", "/call", "status", 404, "duration_ms", 3L));

        assertThat(out).endsWith("}\n").doesNotContain("\n{");
        assertThat(out.indexOf('\n')).isEqualTo(out.length() - 1);
        JsonNode j = JSON.readTree(out);
        assertThat(j.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(j.get("level").asText()).isEqualTo("INFO");
        assertThat(j.get("logger").asText()).isEqualTo("cairn.access");
        assertThat(j.get("message").asText()).isEqualTo("POST /call 404 3ms");
        assertThat(j.get("request_id").asText()).isEqualTo("5f0c2a9e1b7d4c3a");
        assertThat(j.get("platform").asText()).isEqualTo("notes");
        assertThat(j.get("tenant").asText()).isEqualTo("acme");
        assertThat(j.get("method").asText()).isEqualTo("POST");
        assertThat(j.get("status").isInt()).isTrue();
        assertThat(j.get("status").asInt()).isEqualTo(404);
        assertThat(j.get("duration_ms").isIntegralNumber()).isTrue();
        assertThat(j.has("exception")).isFalse();
        assertThat(out.indexOf("\"request_id\"")).isLessThan(out.indexOf("\"platform\""));
        assertThat(out.split("\"message\"", -1)).hasSize(2);
    }

    @Test
    void a_json_line_escapes_what_a_client_sent_and_carries_the_stack_trace_as_one_field() throws Exception {
        String out = line(encoder("json"), event("bad \"name\"\nsecond line", new IllegalStateException("boom"),
                Map.of("platform", "p\"\n{\"forged\":true}")));

        assertThat(out.indexOf('\n')).isEqualTo(out.length() - 1);
        JsonNode j = JSON.readTree(out);
        assertThat(j.get("message").asText()).isEqualTo("bad \"name\"\nsecond line");
        assertThat(j.get("platform").asText()).isEqualTo("p\"\n{\"forged\":true}");
        assertThat(j.has("forged")).isFalse();
        assertThat(j.get("exception").asText()).startsWith("java.lang.IllegalStateException: boom")
                .contains("at dev.cairn.logging.LogEncoderTest");
    }

    @Test
    void a_text_line_is_the_usual_pattern_then_the_request_fields_and_no_forged_line_break() {
        Map<String, String> mdc = new LinkedHashMap<>();
        mdc.put("platform", "notes\nFAKE ERROR line");
        mdc.put("request_id", "abc");
        String out = line(encoder("text"), event("GET /health 200 1ms", null, mdc, "status", 200));

        assertThat(out).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  cairn.access"
                + " - GET /health 200 1ms request_id=abc platform=\"notes\\?FAKE ERROR line\"" + System.lineSeparator());
        assertThat(out).doesNotContain("status=");
    }

    @Test
    void a_text_line_puts_the_stack_trace_on_the_lines_after_it() {
        String out = line(encoder("text"), event("failed", new IllegalStateException("boom"), Map.of("request_id", "r1")));

        String[] lines = out.split(System.lineSeparator());
        assertThat(lines[0]).endsWith("- failed request_id=r1");
        assertThat(lines[1]).isEqualTo("java.lang.IllegalStateException: boom");
        assertThat(lines[2]).contains("at dev.cairn.logging.LogEncoderTest");
    }

    @Test
    void use_switches_the_console_appender_of_logback_xml_between_the_formats() {
        Logger root = CONTEXT.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var encoder = (LogEncoder) ((OutputStreamAppender<?>) root.getAppender("STDOUT")).getEncoder();
        try {
            LogEncoder.use("json");
            assertThat(encoder.format()).isEqualTo("json");
            LogEncoder.use("text");
            assertThat(encoder.format()).isEqualTo("text");
        } finally {
            LogEncoder.use("text");
        }
    }

    @Test
    void log_format_is_text_by_default_or_json_and_anything_else_stops_start_up_naming_the_variable() {
        assertThat(Config.fromMap(Map.of()).logFormat()).isEqualTo("text");
        assertThat(Config.fromMap(Map.of("LOG_FORMAT", "JSON")).logFormat()).isEqualTo("json");
        assertThatThrownBy(() -> Config.fromMap(Map.of("LOG_FORMAT", "xml")))
                .isInstanceOf(CairnException.class)
                .hasMessage("LOG_FORMAT: expected text or json, got 'xml'");
    }
}
