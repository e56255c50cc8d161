package dev.cairn.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Pg;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The catalog learns a database's tables as the data faces need them, read from a real database
 * deployed from the {@code panorama} fixture: composite and three-part primary keys, a composite
 * foreign key, identity and generated columns, an enum, unique keys and comments.
 */
class TablesTest {

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();
    private static Tables tables;
    private static String database;

    @BeforeAll
    static void deploy() throws Exception {
        String platform = gateway.platform();
        assertThat(gateway.http().register(platform, null, Bundles.tarGz(Bundles.fixture("panorama"))).status())
                .isEqualTo(200);
        database = platform + "_main";
        try (Connection c = Pg.connect(database)) {
            tables = CatalogLoader.load(c, database, CatalogLoader.builtinTypes(c)).tables();
        }
    }

    private static Tables.Table table(String name) {
        return tables.find("public", name).orElseThrow(() -> new AssertionError("no table " + name));
    }

    @Test
    void only_the_platforms_tables_are_there_never_cairns_bookkeeping() {
        assertThat(tables.tables().keySet()).containsExactly("public.agent_shared_states", "public.conversations",
                "public.messages", "public.users");
    }

    @Test
    void primary_keys_keep_their_key_order_however_many_columns_they_have() {
        assertThat(table("users").primaryKey()).containsExactly("user_id");
        assertThat(table("conversations").primaryKey()).containsExactly("user_id", "conversation_id");
        assertThat(table("agent_shared_states").primaryKey()).containsExactly("agent_name", "user_id", "conversation_id");
        assertThat(table("users").uniqueKeys()).extracting(Tables.UniqueKey::columns).containsExactly(List.of("email"));
    }

    @Test
    void foreign_keys_name_their_columns_and_their_target_in_order_and_can_be_followed_backwards() {
        assertThat(table("messages").foreignKeys()).singleElement().satisfies(fk -> {
            assertThat(fk.columns()).containsExactly("user_id", "conversation_id");
            assertThat(fk.targetSchema()).isEqualTo("public");
            assertThat(fk.targetTable()).isEqualTo("conversations");
            assertThat(fk.targetColumns()).containsExactly("user_id", "conversation_id");
        });
        assertThat(tables.referencing(table("conversations"))).extracting(r -> r.from().name())
                .containsExactlyInAnyOrder("messages", "agent_shared_states");
        assertThat(tables.referencing(table("users"))).extracting(r -> r.from().name()).containsExactly("conversations");
    }

    @Test
    void columns_say_what_a_write_may_and_must_name() {
        Tables.Table messages = table("messages");
        Tables.Column id = messages.column("id").orElseThrow();
        assertThat(id.identity()).isEqualTo(Tables.Identity.ALWAYS);
        assertThat(id.writable()).isFalse();
        assertThat(id.required()).isFalse();
        Tables.Column length = messages.column("content_length").orElseThrow();
        assertThat(length.generated()).isTrue();
        assertThat(length.writable()).isFalse();
        assertThat(messages.column("content").orElseThrow().required()).isTrue();
        assertThat(messages.column("created_at").orElseThrow().required()).isFalse();
        assertThat(messages.column("embedding").orElseThrow().sqlType()).isEqualTo("real[]");
        Tables.Column version = table("agent_shared_states").column("version").orElseThrow();
        assertThat(version.identity()).isEqualTo(Tables.Identity.BY_DEFAULT);
        assertThat(version.writable()).isTrue();
        assertThat(table("users").column("name").orElseThrow().sqlType()).isEqualTo("character varying(100)");
        assertThat(messages.columns()).extracting(Tables.Column::position).isSorted();
    }

    @Test
    void enum_columns_know_their_labels_and_comments_are_kept() {
        Tables.Column role = table("messages").column("role").orElseThrow();
        assertThat(tables.enumLabels().get(role.type())).containsExactly("user", "assistant", "system", "tool");
        assertThat(table("users").comment()).contains("People who talk to the agents");
        assertThat(table("users").column("email").orElseThrow().comment()).contains("Unique when present");
        assertThat(table("users").column("name").orElseThrow().comment()).isEqualTo(Optional.empty());
    }
}
