package dev.cairn.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /call: binding, overloads, every type decoded to JSON, errors by SQLSTATE, streaming. */
class CallTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start(Map.of("STATEMENT_TIMEOUT_MS", "1500"));
    private static final Http http = gateway.http();
    private static String platform;

    @BeforeAll
    static void start() {
        platform = gateway.platform();
        Http.Answer a = http.register(platform, null, Bundles.tarGz(Bundles.fixture("calls")));
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
    }

    private static Http.Answer call(String function, Object params) {
        return http.call(platform, null, function, params);
    }

    private static JsonNode only(Http.Answer a) {
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        assertThat(a.body().get("row_count").asInt()).isEqualTo(1);
        return a.body().get("rows").get(0);
    }

    @Test
    void every_type_of_the_decode_table_comes_back_as_proper_json() {
        Http.Answer a = call("all_types", List.of());
        JsonNode r = only(a);

        assertThat(r.get("c_smallint").isIntegralNumber()).isTrue();
        assertThat(r.get("c_int").asLong()).isEqualTo(2147483647L);
        assertThat(a.raw()).contains("\"c_bigint\":9223372036854775807");
        assertThat(a.raw()).contains("\"c_numeric\":12345678901234567890.123456789");
        assertThat(r.get("c_real").asDouble()).isEqualTo(1.5);
        assertThat(r.get("c_double").asDouble()).isEqualTo(3.14159);
        assertThat(r.get("c_nan").asText()).isEqualTo("NaN");
        assertThat(r.get("c_numeric_nan").asText()).isEqualTo("NaN");
        assertThat(r.get("c_bool").isBoolean()).isTrue();
        assertThat(r.get("c_text").asText()).isEqualTo("hé\"llo\\n");
        assertThat(r.get("c_varchar").asText()).isEqualTo("abc");
        assertThat(r.get("c_char").asText()).isEqualTo("ab ");
        assertThat(r.get("c_uuid").asText()).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(r.get("c_date").asText()).isEqualTo("2024-02-29");
        assertThat(r.get("c_ts").asText()).isEqualTo("2024-02-29T13:45:01.5");
        assertThat(r.get("c_tstz").asText()).isEqualTo("2024-02-29T12:45:01+00:00");
        assertThat(r.get("c_time").asText()).isEqualTo("13:45:01");
        assertThat(r.get("c_timetz").asText()).isEqualTo("13:45:01+02:00");
        assertThat(r.get("c_interval").asText()).isEqualTo("1 day 02:03:04");
        assertThat(r.get("c_json").toString()).isEqualTo("{\"a\":[1,2]}");
        assertThat(r.get("c_jsonb").toString()).isEqualTo("{\"b\":null}");
        assertThat(r.get("c_bytea").asText()).isEqualTo("AAH/");
        assertThat(r.get("c_inet").asText()).isEqualTo("192.168.0.1");
        assertThat(r.get("c_cidr").asText()).isEqualTo("10.0.0.0/8");
        assertThat(r.get("c_macaddr").asText()).isEqualTo("08:00:2b:01:02:03");
        assertThat(r.get("c_money").isTextual()).isTrue();
        assertThat(r.get("c_money").asText()).contains("1.23");
        assertThat(r.get("c_enum").asText()).isEqualTo("happy");
        assertThat(r.get("c_int_array").toString()).isEqualTo("[1,2,null]");
        assertThat(r.get("c_text_array").toString()).isEqualTo("[\"a\",\"b c\",\"d\\\"e\",null,\"NULL\",\"\"]");
        assertThat(r.get("c_2d").toString()).isEqualTo("[[1,2],[3,4]]");
        assertThat(r.get("c_composite").toString()).isEqualTo("{\"label\":\"x, y\",\"amount\":1.5}");
        assertThat(r.get("c_composite_array").toString())
                .isEqualTo("[{\"label\":\"a\",\"amount\":1},{\"label\":null,\"amount\":null}]");
        assertThat(r.get("c_null").isNull()).isTrue();
        assertThat(r.get("c_point").asText()).isEqualTo("(1,2)");
        assertThat(r.get("c_range").asText()).isEqualTo("[1,5)");
        assertThat(r.get("c_oid").asInt()).isEqualTo(42);
        assertThat(r.get("c_bool_array").toString()).isEqualTo("[true,false]");
        assertThat(r.get("c_tstz_array").toString()).isEqualTo("[\"2024-01-01T00:00:00+00:00\"]");
        assertThat(r.get("c_jsonb_array").toString()).isEqualTo("[{\"k\":1},null]");
        assertThat(r.get("c_enum_array").toString()).isEqualTo("[\"sad\"]");
        assertThat(a.raw()).contains("\"c_numeric_array\":[1.10,2]");
    }

    @Test
    void a_scalar_function_answers_one_row_named_after_the_function() {
        assertThat(only(call("add", List.of(1, 2))).get("add").asInt()).isEqualTo(3);
        assertThat(only(call("add", List.of(1))).get("add").asInt()).isEqualTo(11);
    }

    @Test
    void named_arguments_bind_by_name_in_any_order_and_defaults_fill_the_rest() {
        Map<String, Object> named = new LinkedHashMap<>();
        named.put("p_greeting", "Hi");
        named.put("p_name", "Ada");
        assertThat(only(call("greet", named)).get("greet").asText()).isEqualTo("Hi, Ada");
        assertThat(only(call("greet", Map.of("p_name", "Linus"))).get("greet").asText()).isEqualTo("Hello, Linus");
    }

    @Test
    void a_void_function_answers_no_rows() {
        Http.Answer a = call("nothing", List.of());
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().get("rows").size()).isZero();
        assertThat(a.body().get("row_count").asInt()).isZero();
        assertThat(a.body().has("execution_time_ms")).isTrue();
    }

    @Test
    void parameters_are_bound_with_the_declared_types() {
        assertThat(only(call("echo_bytes", List.of("AAH/"))).get("echo_bytes").asText()).isEqualTo("AAH/");
        assertThat(only(call("sum_ints", List.of(List.of(1, 2, 3)))).get("sum_ints").asInt()).isEqualTo(6);
        assertThat(only(call("join_texts", List.of(Arrays.asList("a,b", "c\"d", null, "{x}"))))
                .get("join_texts").asText()).isEqualTo("a,b|c\"d|<null>|{x}");
        assertThat(only(call("grid_size", List.of(List.of(List.of(1, 2, 3), List.of(4, 5, 6))))).get("grid_size").asInt())
                .isEqualTo(6);
        assertThat(only(call("pair_label", List.of(Map.of("label", "x", "amount", 2.5)))).get("pair_label").asText())
                .isEqualTo("x=2.5");
        assertThat(only(call("echo_jsonb", List.of(Map.of("k", List.of(1, "two"))))).get("echo_jsonb").toString())
                .isEqualTo("{\"k\":[1,\"two\"]}");
        assertThat(only(call("echo_uuid", List.of("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))).get("echo_uuid").asText())
                .isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(only(call("echo_date", List.of("2024-02-29"))).get("echo_date").asText()).isEqualTo("2024-02-29");
        assertThat(only(call("echo_mood", List.of("sad"))).get("echo_mood").asText()).isEqualTo("sad");
        Http.Answer exact = call("echo_numeric", List.of(new java.math.BigDecimal("0.1000000000000000055511151231257827")));
        assertThat(exact.raw()).contains("0.1000000000000000055511151231257827");
        assertThat(only(call("variadic_sum", List.of(1, 2, 3))).get("variadic_sum").asInt()).isEqualTo(6);
    }

    @Test
    void values_that_look_like_sql_are_only_ever_data() {
        String evil = "x'); DROP TABLE notes; --";
        assertThat(only(call("echo_text", List.of(evil))).get("echo_text").asText()).isEqualTo(evil);
        assertThat(call("add_note", List.of("'; DELETE FROM notes; /* */")).status()).isEqualTo(200);
        assertThat(Pg.scalar(platform + "_main", "SELECT count(*) FROM notes WHERE body LIKE '%DELETE%'")).isEqualTo("1");
        assertThat(Pg.scalar(platform + "_main", "SELECT to_regclass('notes') IS NOT NULL")).isEqualTo("t");
    }

    @Test
    void function_names_are_lookup_keys_never_sql() {
        for (String name : List.of("add_note; DROP TABLE notes", "add_note(1); --", "pg_sleep", "pg_catalog.pg_sleep",
                "pg_catalog.pg_terminate_backend", "\"add\"", "cairn.anything", "ADD' OR '1'='1")) {
            Http.Answer a = call(name, List.of(1));
            assertThat(a.status()).as(name + " -> " + a).isEqualTo(404);
            assertThat(a.body().get("error").asText()).isEqualTo("function_not_found");
        }
        assertThat(Pg.scalar(platform + "_main", "SELECT to_regclass('notes') IS NOT NULL")).isEqualTo("t");
    }

    @Test
    void quoted_and_schema_qualified_functions_can_be_called() {
        assertThat(only(call("Mixed Case", List.of(21))).get("Mixed Case").asInt()).isEqualTo(42);
        assertThat(only(call("billing.invoice_total", List.of(3))).get("invoice_total").asInt()).isEqualTo(300);
    }

    @Test
    void procedures_are_called_with_call_and_return_their_output_arguments() {
        call("add_note", List.of("procedure-test-1"));
        Http.Answer count = call("count_notes", List.of());
        assertThat(only(count).get("total").asLong()).isPositive();
        Http.Answer cleared = call("clear_notes", List.of());
        assertThat(cleared.status()).as(cleared.toString()).isEqualTo(200);
        assertThat(cleared.body().get("row_count").asInt()).isZero();
        assertThat(only(call("note_count", List.of())).get("note_count").asInt()).isZero();
    }

    @Test
    void an_ambiguous_call_is_a_400_listing_the_candidates_and_named_arguments_do_not_help_when_names_match() {
        Http.Answer a = call("ambiguous", List.of(1));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("error").asText()).isEqualTo("ambiguous_function");
        assertThat(a.body().get("candidates").toString()).contains("public.ambiguous(p integer)", "public.ambiguous(p text)");
    }

    @Test
    void a_wrong_argument_count_is_a_400_that_shows_the_signature() {
        Http.Answer a = call("add", List.of(1, 2, 3));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("message").asText()).contains("public.add(a integer, b integer)");
    }

    @Test
    void postgresql_errors_map_to_statuses_by_sqlstate() {
        Http.Answer raised = call("fail_with", List.of("custom failure"));
        assertThat(raised.status()).isEqualTo(400);
        assertThat(raised.body().get("error").asText()).isEqualTo("query_failed");
        assertThat(raised.body().get("cause").asText()).isEqualTo("custom failure");
        assertThat(raised.body().get("sqlstate").asText()).isEqualTo("P0001");
        assertThat(raised.body().get("hint").asText()).isEqualTo("raised on purpose");

        call("add_note", List.of("unique-body"));
        Http.Answer duplicate = call("add_note", List.of("unique-body"));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.body().get("sqlstate").asText()).isEqualTo("23505");

        Http.Answer badInt = call("add", List.of("not a number", 1));
        assertThat(badInt.status()).isEqualTo(400);
        assertThat(badInt.body().get("sqlstate").asText()).isEqualTo("22P02");

        Http.Answer divide = call("divide", List.of(1, 0));
        assertThat(divide.status()).isEqualTo(400);
        assertThat(divide.body().get("sqlstate").asText()).isEqualTo("22012");

        Http.Answer timeout = call("slow", List.of(5));
        assertThat(timeout.status()).isEqualTo(504);
        assertThat(timeout.body().get("sqlstate").asText()).isEqualTo("57014");
        assertThat(raised.body().has("request_id")).isTrue();
        assertThat(raised.raw()).doesNotContain("at dev.cairn").doesNotContain("Exception");
    }

    @Test
    void a_large_set_streams_without_a_content_length_and_is_complete() {
        Http.Answer a = call("numbers", List.of(200_000));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("content-length")).isEmpty();
        assertThat(a.body().get("rows").size()).isEqualTo(200_000);
        assertThat(a.body().get("row_count").asInt()).isEqualTo(200_000);
        assertThat(a.body().get("rows").get(199_999).get("numbers").asLong()).isEqualTo(200_000L);
    }

    @Test
    void a_stable_set_is_read_in_one_round_trip_when_small_and_through_a_cursor_when_large() {
        Http.Answer small = call("stable_numbers", List.of(1000));
        assertThat(small.body().get("row_count").asInt()).isEqualTo(1000);
        assertThat(small.body().get("rows").get(999).get("label").asText()).isEqualTo("row 1000");
        Http.Answer large = call("stable_numbers", List.of(50_000));
        assertThat(large.status()).isEqualTo(200);
        assertThat(large.body().get("row_count").asInt()).isEqualTo(50_000);
        assertThat(large.body().get("rows").size()).isEqualTo(50_000);
        assertThat(large.body().get("rows").get(49_999).get("n").asLong()).isEqualTo(50_000L);
        assertThat(only(call("stable_numbers", List.of(1))).get("label").asText()).isEqualTo("row 1");
        assertThat(call("stable_numbers", List.of(0)).body().get("row_count").asInt()).isZero();
    }

    @Test
    void a_small_result_has_a_content_length_and_server_timing() {
        Http.Answer a = call("note_bodies", List.of());
        assertThat(a.header("content-length")).isNotEmpty();
        assertThat(a.header("server-timing")).contains("route;dur=", "plan;dur=", "execute;dur=");
    }

    @Test
    void the_v4_body_addresses_the_database_by_schema_name() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("schema_name", "main");
        body.put("function", "add");
        body.put("params", List.of(2, 2));
        assertThat(only(http.postJson("/call", body)).get("add").asInt()).isEqualTo(4);
    }

    @Test
    void unknown_databases_and_other_platforms_databases_are_404() {
        Http.Answer unknown = http.call(platform, "nobody", "add", List.of(1));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").asText()).isEqualTo("database_not_found");

        // Platform names have no '_', so "<p>_x_y" can only ever be platform <p>'s tenant "x_y".
        assertThat(http.register(platform + "_x", "y", Bundles.tarGz(Bundles.fixture("calls"))).status()).isEqualTo(400);
        String other = platform + "-x";
        assertThat(http.register(other, "y", Bundles.tarGz(Bundles.fixture("calls"))).status()).isEqualTo(200);
        assertThat(http.call(platform, "x-x_y", "add", List.of(1)).status()).isEqualTo(404);
        assertThat(http.call(other, "y", "add", List.of(1)).status()).isEqualTo(200);
    }

    @Test
    void routines_only_the_server_may_call_are_not_callable_and_anonymous_records_are_a_400() {
        Http.Answer trigger = call("touch_note", List.of());
        assertThat(trigger.status()).as(trigger.toString()).isEqualTo(404);
        Http.Answer record = call("anonymous_record", List.of());
        assertThat(record.status()).as(record.toString()).isEqualTo(400);
        assertThat(record.body().get("message").asText()).contains("anonymous record");
    }

    @Test
    void application_raised_sqlstates_are_client_errors() {
        Http.Answer noData = call("raise_code", List.of("P0002"));
        assertThat(noData.status()).as(noData.toString()).isEqualTo(400);
        Http.Answer custom = call("raise_code", List.of("U0001"));
        assertThat(custom.status()).as(custom.toString()).isEqualTo(400);
        assertThat(custom.body().get("sqlstate").asText()).isEqualTo("U0001");
    }

    @Test
    void a_session_setting_in_the_bundle_does_not_leak_into_calls() {
        String leaky = gateway.platform();
        Http.Answer a = http.register(leaky, null, Bundles.tarGz(Map.of(
                "postgresql/functions/f.sql", "SET statement_timeout = 0;\nSET search_path = pg_catalog;\n"
                        + "CREATE FUNCTION public.settings() RETURNS TABLE (st text, sp text) LANGUAGE sql AS $$"
                        + " SELECT current_setting('statement_timeout'), current_setting('search_path') $$;\n")));
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            JsonNode r = only(http.call(leaky, null, "settings", List.of()));
            assertThat(r.get("st").asText()).isEqualTo("1500ms");
            assertThat(r.get("sp").asText()).isEqualTo("\"$user\", public");
        }
    }

    @Test
    void params_must_be_an_array_or_an_object() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        body.put("function", "add");
        body.put("params", "1,2");
        Http.Answer a = http.postJson("/call", body);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("field").asText()).isEqualTo("params");
    }
}
