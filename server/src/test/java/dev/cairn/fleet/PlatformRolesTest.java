package dev.cairn.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.testing.Bundles;
import dev.cairn.testing.ClassGateway;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Platform SQL runs as the platform's own role, never as Cairn's (superuser) user. */
class PlatformRolesTest {

    private static final Map<String, String> WHOAMI = Map.of("postgresql/functions/who.sql", """
            CREATE FUNCTION whoami() RETURNS TABLE (usr text, super boolean) LANGUAGE sql AS $$
                SELECT current_user::text, rolsuper FROM pg_roles WHERE rolname = current_user
            $$;
            """);

    @RegisterExtension
    static final ClassGateway gateway = ClassGateway.start();

    @Test
    void deploys_and_calls_run_as_the_platforms_role_which_owns_its_databases() {
        String platform = gateway.platform();
        assertThat(gateway.http().register(platform, null, Bundles.tarGz(WHOAMI)).status()).isEqualTo(200);
        assertThat(gateway.http().register(platform, "t1", Bundles.tarGz(WHOAMI)).status()).isEqualTo(200);

        for (String tenant : java.util.Arrays.asList(null, "t1")) {
            Http.Answer a = gateway.http().call(platform, tenant, "whoami", List.of());
            assertThat(a.body().get("rows").get(0).get("usr").asText()).isEqualTo("cairn_" + platform);
            assertThat(a.body().get("rows").get(0).get("super").asBoolean()).isFalse();
        }
        assertThat(Pg.scalar("postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ?",
                platform + "_t1")).isEqualTo("cairn_" + platform);
        assertThat(Pg.scalar(platform + "_main", "SELECT proowner::regrole::text FROM pg_proc WHERE proname = 'whoami'"))
                .isEqualTo("cairn_" + platform);
    }

    @Test
    void a_platforms_role_cannot_connect_to_another_platforms_database() throws Exception {
        String alice = gateway.platform();
        String bob = gateway.platform();
        assertThat(gateway.http().register(alice, null, Bundles.tarGz(WHOAMI)).status()).isEqualTo(200);
        assertThat(gateway.http().register(bob, null, Bundles.tarGz(WHOAMI)).status()).isEqualTo(200);
        String password = Pg.scalar(gateway.controlDatabase(), "SELECT password FROM platform_roles WHERE platform = ?",
                alice);

        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://" + Pg.HOST + ":" + Pg.PORT + "/"
                + bob + "_main", "cairn_" + alice, password).close())
                .hasMessageContaining("permission denied");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://" + Pg.HOST + ":" + Pg.PORT + "/"
                + gateway.controlDatabase(), "cairn_" + alice, password).close())
                .hasMessageContaining("permission denied");
        DriverManager.getConnection("jdbc:postgresql://" + Pg.HOST + ":" + Pg.PORT + "/" + alice + "_main",
                "cairn_" + alice, password).close();
    }

    @Test
    void an_extension_only_a_superuser_may_install_is_refused_unless_the_operator_allows_it() {
        String platform = gateway.platform();
        Map<String, String> bundle = Map.of("postgresql/extensions/dblink.sql", "-- cross-database queries\n",
                "postgresql/tables/t.sql", "CREATE TABLE t (id int);");

        Http.Answer refused = gateway.http().register(platform, null, Bundles.tarGz(bundle));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body().get("error").asText()).isEqualTo("extension_not_available");
        assertThat(refused.body().get("message").asText()).contains("superuser", "EXTENSIONS_ALLOWED");
        assertThat(Pg.databaseExists(platform + "_main")).isFalse();

        try (TestGateway allowing = TestGateway.start(Map.of("EXTENSIONS_ALLOWED", "dblink"))) {
            String other = allowing.platform();
            Http.Answer allowed = allowing.http().register(other, null, Bundles.tarGz(bundle));
            assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
            assertThat(Pg.scalar(other + "_main", "SELECT extname FROM pg_extension WHERE extname = 'dblink'"))
                    .isEqualTo("dblink");
        }
    }

    @Test
    void with_platform_roles_off_platform_sql_runs_as_cairns_user() {
        try (TestGateway off = TestGateway.start(Map.of("PLATFORM_ROLES", "off"))) {
            String platform = off.platform();
            assertThat(off.http().register(platform, null, Bundles.tarGz(WHOAMI)).status()).isEqualTo(200);
            Http.Answer a = off.http().call(platform, null, "whoami", List.of());
            assertThat(a.body().get("rows").get(0).get("usr").asText()).isEqualTo(Pg.USER);
        }
    }
}
