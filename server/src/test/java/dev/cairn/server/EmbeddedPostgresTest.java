package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import dev.cairn.pool.PgServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PostgreSQL Cairn runs itself when no server is configured: when it is used, and that it keeps its data. */
class EmbeddedPostgresTest {

    @Test
    void a_configured_server_is_never_replaced_and_off_means_off() {
        assertThat(EmbeddedPostgres.needed(Config.fromMap(Map.of("DATABASE_URL", "postgres://u@db:5432/postgres"))))
                .isFalse();
        assertThat(EmbeddedPostgres.needed(Config.fromMap(Map.of("DB_PORT", "6543")))).isFalse();
        assertThat(EmbeddedPostgres.needed(Config.fromMap(Map.of("EMBEDDED_PG", "off")))).isFalse();
        assertThat(EmbeddedPostgres.needed(Config.fromMap(Map.of("EMBEDDED_PG", "ON")))).isTrue();
        assertThatThrownBy(() -> EmbeddedPostgres.needed(Config.fromMap(Map.of("EMBEDDED_PG", "on",
                "DB_HOST", "db")))).isInstanceOf(CairnException.class).hasMessageContaining("EMBEDDED_PG=on");
        assertThatThrownBy(() -> Config.fromMap(Map.of("EMBEDDED_PG", "sometimes")))
                .hasMessage("EMBEDDED_PG: expected auto, on or off, got 'sometimes'");
        assertThat(Config.fromMap(Map.of()).embeddedDataDirectory()).isEqualTo(Path.of(".cairn/pg"));
        assertThat(EmbeddedPostgres.reason(Config.fromMap(Map.of("EMBEDDED_PG", "on")))).isEqualTo("EMBEDDED_PG=on");
        assertThat(EmbeddedPostgres.reason(Config.fromMap(Map.of()))).startsWith("no PostgreSQL configured");
    }

    @Test
    void it_starts_in_its_folder_keeps_the_data_across_restarts_and_stops(@TempDir Path home) throws Exception {
        Path data = home.resolve("pg");
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(data, "a test")) {
            assertThat(pg.url()).startsWith("postgres://postgres@localhost:");
            execute(pg.pgServer(), "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
            assertThat(execute(pg.pgServer(), "SHOW synchronous_commit")).isEqualTo("on");
        }
        assertThat(data.resolve("PG_VERSION")).exists();
        try (EmbeddedPostgres again = EmbeddedPostgres.start(data, "a test")) {
            assertThat(execute(again.pgServer(), "SELECT v FROM kept")).isEqualTo("still here");
        }
    }

    /** Runs {@code sql} and gives the first column of its last result's first row, if any. */
    private static String execute(PgServer server, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + server.host() + ":" + server.port()
                + "/" + server.maintenanceDatabase(), server.user(), server.password());
             Statement st = c.createStatement()) {
            boolean rows = st.execute(sql);
            if (!rows) {
                return "";
            }
            try (ResultSet rs = st.getResultSet()) {
                return rs.next() ? rs.getString(1) : "";
            }
        }
    }
}
