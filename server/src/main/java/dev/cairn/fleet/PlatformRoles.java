package dev.cairn.fleet;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import dev.cairn.sql.Identifiers;
import dev.cairn.sql.Locks;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Least privilege for platform SQL: each platform gets a login role of its own (no superuser,
 * no CREATEDB, no CREATEROLE) that owns its databases. Bundles deploy and functions run as that
 * role, so a platform's SQL can reach only its own databases and cannot install untrusted
 * extensions ({@code dblink}, {@code file_fdw}, ...), read server files or run programs, even when
 * Cairn itself connects as a superuser. Disabled (everything runs as Cairn's user, as the
 * StoneScript gateway did) when {@code PLATFORM_ROLES=off} or Cairn may not create roles.
 */
public final class PlatformRoles {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Registry registry;
    private final PoolManager pools;
    private final String maintenance;
    private final boolean enabled;
    private final Map<String, Login> logins = new ConcurrentHashMap<>();

    public PlatformRoles(Registry registry, PoolManager pools, String maintenance, boolean enabled) {
        this.registry = registry;
        this.pools = pools;
        this.maintenance = maintenance;
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    static String roleName(String platform) {
        return "cairn_" + platform;
    }

    /** The login of a platform's role for data connections; empty when roles are off. */
    public Optional<Login> login(String platform) {
        if (!enabled) {
            return Optional.empty();
        }
        Login cached = logins.get(platform);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Login> stored = registry.roleLogin(platform);
        stored.ifPresent(l -> logins.put(platform, l));
        return stored;
    }

    /** The platform's role, created (in its own short control transaction) on first use. */
    Optional<Login> ensure(String platform) {
        if (!enabled) {
            return Optional.empty();
        }
        Optional<Login> existing = login(platform);
        if (existing.isPresent()) {
            return existing;
        }
        Login created = registry.inTransaction(c -> {
            Locks.PLATFORM_ROLE.acquire(c, platform);
            Optional<Login> raced = Registry.roleLogin(c, platform);
            if (raced.isPresent()) {
                return raced.get();
            }
            Login login = new Login(roleName(platform), HexFormat.of().formatHex(randomBytes()));
            createRole(login);
            Registry.ensurePlatform(c, platform);
            Registry.saveRole(c, platform, login);
            return login;
        });
        logins.put(platform, created);
        return Optional.of(created);
    }

    private void createRole(Login login) {
        String role = Identifiers.quote(login.user());
        try (Connection c = pools.connection(maintenance); Statement st = c.createStatement()) {
            if (roleExists(c, login.user())) {
                throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "role " + login.user()
                        + " already exists on the PostgreSQL server but is not Cairn's; drop it, pick another"
                        + " platform name, or set PLATFORM_ROLES=off"));
            }
            st.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
                    + " PASSWORD " + Identifiers.literal(login.password()));
            // Cairn must be a member to create databases owned by the role and to drop them again.
            st.execute("GRANT " + role + " TO CURRENT_USER");
        } catch (SQLException e) {
            throw Registry.controlFailure(e);
        }
    }

    private static boolean roleExists(Connection c, String role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
