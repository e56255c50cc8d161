package dev.cairn.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** One pool per database and login: a database is reached as several roles at once, under one budget. */
class PoolPerLoginTest {

    private static String user(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void connections_to_one_database_log_in_as_the_role_asked_for_and_close_together() throws Exception {
        String database = "cairn_pools_" + TestGateway.randomHex();
        String role = "cairn_pools_role_" + TestGateway.randomHex();
        Pg.execute("postgres", "CREATE DATABASE " + database);
        Pg.execute("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'x'");
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor();
        PoolSettings settings = new PoolSettings(2, 4, Duration.ofSeconds(5), Duration.ZERO, Duration.ofMinutes(5),
                "cairn-pool-test", Set.of());
        try (PoolManager pools = new PoolManager(PgServer.fromUrl(Pg.url("postgres")), settings, housekeeping)) {
            Login login = new Login(role, "x");
            try (Connection own = pools.connection(database); Connection asRole = pools.connection(database,
                    Optional.of(login)); Connection again = pools.connection(database, Optional.of(login))) {
                assertThat(user(own)).isEqualTo("postgres");
                assertThat(user(asRole)).isEqualTo(role);
                assertThat(user(again)).isEqualTo(role);
                assertThat(pools.stats().activePools()).isEqualTo(2);
                assertThat(pools.stats().openConnections()).isEqualTo(3);
                assertThat(pools.databases()).singleElement().satisfies(d -> {
                    assertThat(d.name()).isEqualTo(database);
                    assertThat(d.inUse()).isEqualTo(3);
                });
            }

            pools.closePool(database);

            assertThat(pools.stats().activePools()).isZero();
            assertThat(pools.databases()).isEmpty();
        } finally {
            housekeeping.shutdownNow();
            Pg.drop(database);
            Pg.execute("postgres", "DROP ROLE IF EXISTS " + role);
        }
    }
}
