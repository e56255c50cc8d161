package dev.cairn.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cairn.catalog.Tables;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Entity and field names, composite ids: the Panorama gateway's conventions, without its collisions. */
class EntitiesTest {

    private static Tables.Column column(String name) {
        return new Tables.Column(name, 1, 25, "text", -1, true, false, Tables.Identity.NONE, false, Optional.empty());
    }

    private static Tables.Table table(String schema, String name, List<String> key, String... columns) {
        return new Tables.Table(1, schema, name, Arrays.stream(columns).map(EntitiesTest::column).toList(), key,
                List.of(), List.of(), Optional.empty());
    }

    private static final DataApiSettings DEFAULTS = DataApiSettings.defaults();

    private static Entities entities(Naming naming, Tables.Table... tables) {
        return Entities.of(new Tables(Arrays.stream(tables).collect(java.util.stream.Collectors.toMap(
                Tables.Table::key, t -> t)), Map.of()), new DataApiSettings(naming, DEFAULTS.tenancy(),
                DEFAULTS.tenantColumn(), DEFAULTS.idempotencyRequired(), DEFAULTS.defaultAllow(), DEFAULTS.entities(), true,
                java.util.Optional.empty()));
    }

    @Test
    void tables_are_kebab_case_paths_and_snake_case_columns_camel_case_fields() {
        assertThat(Naming.entity("public", "agent_shared_states")).isEqualTo("agent-shared-states");
        assertThat(Naming.entity("billing", "invoice_lines")).isEqualTo("billing.invoice-lines");
        assertThat(Naming.entity("public", "MixedCase")).isEqualTo("MixedCase");
        assertThat(Naming.CAMEL_CASE.field("user_id")).isEqualTo("userId");
        assertThat(Naming.CAMEL_CASE.field("conversation_id_2")).isEqualTo("conversationId2");
        assertThat(Naming.CAMEL_CASE.field("id")).isEqualTo("id");
        assertThat(Naming.CAMEL_CASE.field("Quoted_Name")).isEqualTo("Quoted_Name");
        assertThat(Naming.CAMEL_CASE.field("double__underscore")).isEqualTo("double__underscore");
        assertThat(Naming.CAMEL_CASE.field("_leading")).isEqualTo("_leading");
        assertThat(Naming.COLUMNS.field("user_id")).isEqualTo("user_id");
    }

    @Test
    void a_multi_key_table_gains_a_synthetic_id_unless_a_column_already_answers_to_id() {
        Entities e = entities(Naming.CAMEL_CASE,
                table("public", "conversations", List.of("user_id", "conversation_id"), "user_id", "conversation_id", "title"),
                table("public", "legacy_conversations", List.of("user_id", "conversation_id"), "id", "user_id",
                        "conversation_id"),
                table("public", "users", List.of("user_id"), "user_id", "email"));

        Entity conversations = e.require("conversations");
        assertThat(conversations.key()).extracting(c -> conversations.fieldOf(c).orElseThrow().name()).containsExactly("userId", "conversationId");
        assertThat(conversations.syntheticId()).isTrue();
        assertThat(e.require("legacy-conversations").syntheticId()).isFalse();
        assertThat(e.require("users").syntheticId()).isFalse();
        assertThat(conversations.field("title").orElseThrow().column().name()).isEqualTo("title");
    }

    @Test
    void names_that_would_collide_are_never_guessed_between() {
        Entities e = entities(Naming.CAMEL_CASE,
                table("public", "user_roles", List.of(), "user_id", "userId", "role_name"),
                table("public", "user-roles", List.of(), "x"));

        assertThat(e.find("user-roles")).isEmpty();
        assertThat(e.ambiguous()).containsExactlyInAnyOrder("public.user_roles", "public.user-roles");

        Entities columns = entities(Naming.CAMEL_CASE, table("public", "t", List.of(), "user_id", "userId", "role_name"));
        assertThat(columns.require("t").fields()).extracting(Entity.Field::name)
                .containsExactly("user_id", "userId", "roleName");
        CairnException missing = catchThrowableOfType(CairnException.class, () -> columns.require("nope"));
        assertThat(missing.code()).isEqualTo(ErrorCode.ENTITY_NOT_FOUND);
    }

    @Test
    void composite_ids_are_uri_encoded_segments_in_key_order_read_from_the_raw_path() {
        Entities e = entities(Naming.CAMEL_CASE,
                table("public", "conversations", List.of("user_id", "conversation_id"), "user_id", "conversation_id"),
                table("public", "agent_shared_states", List.of("agent_name", "user_id", "conversation_id"),
                        "agent_name", "user_id", "conversation_id"),
                table("public", "users", List.of("user_id"), "user_id"),
                table("public", "logs", List.of(), "line"));
        Entity conversations = e.require("conversations");

        assertThat(CompositeId.parse("user-1:conv-1", conversations)).containsExactly("user-1", "conv-1");
        assertThat(CompositeId.parse("0%3Aabcd:conv-ton-1", conversations)).containsExactly("0:abcd", "conv-ton-1");
        assertThat(CompositeId.parse("swap_agent:0%3Aabcd:conv-ton-1", e.require("agent-shared-states")))
                .containsExactly("swap_agent", "0:abcd", "conv-ton-1");
        assertThat(CompositeId.parse("a+b%20c", e.require("users"))).containsExactly("a+b c");
        assertThat(CompositeId.parse("", e.require("users"))).containsExactly("");

        for (List<String> values : List.of(List.of("0:abcd", "conv/1"), List.of("a b+c%", "é✓"), List.of("", ":"))) {
            assertThat(CompositeId.parse(CompositeId.format(values), conversations)).isEqualTo(values);
        }
        assertThat(CompositeId.format(List.of("0:abcd", "conv-ton-1"))).isEqualTo("0%3Aabcd:conv-ton-1");

        assertThat(catchThrowableOfType(CairnException.class, () -> CompositeId.parse("user-1", conversations))
                .getMessage()).contains("invalid composite identifier", "userId, conversationId");
        assertThat(catchThrowableOfType(CairnException.class, () -> CompositeId.parse("a:b:c", conversations))
                .code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(catchThrowableOfType(CairnException.class, () -> CompositeId.parse("%zz:x", conversations))
                .code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(catchThrowableOfType(CairnException.class, () -> CompositeId.parse("1", e.require("logs")))
                .code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }
}
