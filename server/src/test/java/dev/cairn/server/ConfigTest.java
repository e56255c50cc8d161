package dev.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import dev.cairn.pool.PgServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @Test
    void defaults_follow_the_stonescript_gateway() {
        Config c = Config.fromMap(Map.of());
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.maxConnectionsPerPool()).isEqualTo(10);
        assertThat(c.maxTotalConnections()).isEmpty();
        assertThat(c.poolIdleTimeout().toSeconds()).isEqualTo(1800);
        assertThat(c.controlDatabase()).isEqualTo("cairn");
        assertThat(c.adminToken()).isEmpty();
        assertThat(c.allowedNetworks()).hasSize(3);
        assertThat(c.postgres().port()).isEqualTo(5432);
        assertThat(c.migrateAllSyncWait().toSeconds()).isEqualTo(20);
        assertThat(Config.fromMap(Map.of("MIGRATE_ALL_SYNC_SECS", "0")).migrateAllSyncWait()).isZero();
    }

    @Test
    void database_url_takes_the_seed_forms_and_jdbc() {
        PgServer a = PgServer.fromUrl("postgres://gw:p%40ss@db.internal:6543/maint?sslmode=require");
        assertThat(a.host()).isEqualTo("db.internal");
        assertThat(a.port()).isEqualTo(6543);
        assertThat(a.user()).isEqualTo("gw");
        assertThat(a.password()).isEqualTo("p@ss");
        assertThat(a.maintenanceDatabase()).isEqualTo("maint");
        assertThat(a.properties()).containsEntry("sslmode", "require");
        assertThat(a.toString()).doesNotContain("p@ss");

        PgServer b = PgServer.fromUrl("jdbc:postgresql://localhost/postgres?user=u&password=x+y");
        assertThat(b.user()).isEqualTo("u");
        assertThat(b.password()).isEqualTo("x+y");
        assertThat(b.port()).isEqualTo(5432);

        PgServer c = PgServer.fromUrl("postgresql://u@[::1]:5433/");
        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.maintenanceDatabase()).isEqualTo("postgres");
    }

    @Test
    void invalid_values_fail_with_one_line_naming_the_variable() {
        assertThatThrownBy(() -> Config.fromMap(Map.of("GATEWAY_PORT", "abc")))
                .isInstanceOf(CairnException.class).hasMessageStartingWith("GATEWAY_PORT:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("GATEWAY_PORT", "70000")))
                .hasMessageStartingWith("GATEWAY_PORT:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("ALLOWED_NETWORKS", "10.0.0.0/8,banana")))
                .hasMessageStartingWith("ALLOWED_NETWORKS:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("DATABASE_URL", "mysql://x")))
                .hasMessageStartingWith("DATABASE_URL:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("LOG_LEVEL", "chatty"))).hasMessageStartingWith("LOG_LEVEL:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("CONTROL_DB", "Bad-Name"))).hasMessageStartingWith("CONTROL_DB:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("HEALTH_PUBLIC", "maybe"))).hasMessageStartingWith("HEALTH_PUBLIC:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("POOL_ACQUIRE_TIMEOUT_MS", "10")))
                .hasMessageStartingWith("POOL_ACQUIRE_TIMEOUT_MS:");
        // past 240 s the StoneScript clients (300 s) would time out before the answer
        assertThatThrownBy(() -> Config.fromMap(Map.of("MIGRATE_ALL_SYNC_SECS", "300")))
                .hasMessageStartingWith("MIGRATE_ALL_SYNC_SECS:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("MIGRATE_ALL_SYNC_SECS", "-1")))
                .hasMessageStartingWith("MIGRATE_ALL_SYNC_SECS:");
    }

    @Test
    void a_dot_env_file_is_read_and_the_environment_wins(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".env");
        Files.writeString(file, """
                # comment
                export GATEWAY_PORT=9100
                ADMIN_TOKEN="quoted value"
                DB_HOST=from-file # trailing comment
                """);
        Env env = Env.load(Map.of("GATEWAY_PORT", "9200"), file);
        Config c = Config.from(env);
        assertThat(c.port()).isEqualTo(9200);
        assertThat(c.adminToken()).contains("quoted value");
        assertThat(c.postgres().host()).isEqualTo("from-file");
    }

    @Test
    void a_malformed_dot_env_line_is_named_with_its_line_number(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".env");
        Files.writeString(file, "GOOD=1\nthis line has no equals sign\n");
        assertThatThrownBy(() -> Env.load(Map.of(), file)).hasMessageContaining(":2:");
    }

    @Test
    void oauth2_introspection_needs_its_client_and_keeps_the_secret_out_of_its_description() {
        assertThat(Config.fromMap(Map.of()).oauth2()).isEmpty();
        var settings = Config.fromMap(Map.of("OAUTH2_INTROSPECTION_URL", "https://auth.example.com/oauth2/introspect",
                "OAUTH2_CLIENT_ID", "cairn", "OAUTH2_CLIENT_SECRET", "s3cret-value")).oauth2().orElseThrow();
        assertThat(settings.maxCache().toSeconds()).isEqualTo(300);
        assertThat(settings.timeout().toMillis()).isEqualTo(2000);
        assertThat(settings.audience()).isEmpty();
        assertThat(settings.toString()).doesNotContain("s3cret-value");
        assertThatThrownBy(() -> Config.fromMap(Map.of("OAUTH2_INTROSPECTION_URL", "https://auth.example.com/i")))
                .hasMessageStartingWith("OAUTH2_CLIENT_ID:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("OAUTH2_CLIENT_ID", "cairn")))
                .hasMessageStartingWith("OAUTH2_INTROSPECTION_URL:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("OAUTH2_INTROSPECTION_URL", "ftp://auth.example.com/i",
                "OAUTH2_CLIENT_ID", "cairn", "OAUTH2_CLIENT_SECRET", "x"))).hasMessageStartingWith("OAUTH2_INTROSPECTION_URL:");
    }

    @Test
    void the_tls_listener_needs_its_certificate_and_key_together(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
        Path key = Files.writeString(dir.resolve("key.pem"), "x");
        assertThat(Config.fromMap(Map.of()).tls()).isEmpty();
        TlsSettings tls = Config.fromMap(Map.of("TLS_CERT", cert.toString(), "TLS_KEY", key.toString())).tls().orElseThrow();
        assertThat(tls.port()).isEqualTo(8443);
        assertThat(tls.clientCa()).isEmpty();
        assertThatThrownBy(() -> Config.fromMap(Map.of("TLS_CERT", cert.toString()))).hasMessageStartingWith("TLS_KEY:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("TLS_CLIENT_CA", cert.toString())))
                .hasMessageStartingWith("TLS_CLIENT_CA:");
        assertThatThrownBy(() -> Config.fromMap(Map.of("TLS_CERT", cert.toString(), "TLS_KEY",
                dir.resolve("missing.pem").toString()))).hasMessageStartingWith("TLS_KEY:");
    }
}
