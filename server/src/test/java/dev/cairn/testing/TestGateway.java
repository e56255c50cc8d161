package dev.cairn.testing;

import dev.cairn.server.Config;
import dev.cairn.server.Gateway;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real Cairn on a free port with its own control database, for one test class. Everything it
 * creates (its control database, the databases of the platforms handed out by {@link #platform()},
 * template databases) is dropped on {@link #close()}, so the suite can run twice in a row and
 * beside a running gateway.
 */
public final class TestGateway implements AutoCloseable {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

    private final Gateway gateway;
    private final String controlDatabase;
    private final List<String> platforms = new ArrayList<>();
    private final Http http;
    private final boolean owner;
    /** The settings it started with: its NATS, if any, and its names there, deleted on close. */
    private final Map<String, String> env;

    private TestGateway(Gateway gateway, String controlDatabase, boolean owner, Map<String, String> env) {
        this.gateway = gateway;
        this.controlDatabase = controlDatabase;
        this.http = new Http(gateway.port());
        this.owner = owner;
        this.env = env;
    }

    public static TestGateway start() {
        return start(Map.of());
    }

    public static TestGateway start(Map<String, String> overrides) {
        return start(overrides, identity -> { });
    }

    /** With these settings, and more for its authenticator (providers, the client certificates' mapping). */
    public static TestGateway start(Map<String, String> overrides,
                                    java.util.function.Consumer<dev.cairn.identity.Authenticator.Builder> identity) {
        String control = "cairn_test_" + randomHex();
        Map<String, String> env = env(control, overrides);
        return new TestGateway(Gateway.start(Config.fromMap(env), identity), control, true, env);
    }

    /**
     * A Cairn on a control database the test made itself (an older schema, rows of its own): it is
     * migrated at start, and dropped with everything the gateway made on {@link #close()}.
     */
    public static TestGateway adopt(String control) {
        Map<String, String> env = env(control, Map.of());
        return new TestGateway(Gateway.start(Config.fromMap(env), identity -> { }), control, true, env);
    }

    /**
     * A second Cairn instance on this one's control database, as behind a load balancer. Closing it
     * stops it only: what the instances made is dropped when this one closes.
     */
    public TestGateway sibling() {
        return sibling(Map.of());
    }

    /** A sibling with settings of its own (the same ones as this one's, usually). */
    public TestGateway sibling(Map<String, String> overrides) {
        Map<String, String> env = env(controlDatabase, overrides);
        return new TestGateway(Gateway.start(Config.fromMap(env)), controlDatabase, false, env);
    }

    private static Map<String, String> env(String control, Map<String, String> overrides) {
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", Pg.url("postgres"));
        env.put("CONTROL_DB", control);
        env.put("GATEWAY_HOST", "127.0.0.1");
        env.put("GATEWAY_PORT", "0");
        env.put("MAX_TOTAL_CONNECTIONS", "20");
        env.put("ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("SHUTDOWN_GRACE_SECS", "2");
        env.put("READY_COPIES", "0"); // copies made in the background would only slow the suite; ReadyCopiesTest has its own
        env.putAll(natsNames(control));
        env.putAll(overrides);
        return env;
    }

    /**
     * Deletes, on this NATS, the stream and buckets that gateways on this control database made under
     * {@link #natsNames}: for child processes given NATS by a test whose own gateway had none.
     */
    public static void deleteNatsNames(String server, String control) {
        deleteNatsNames(server, natsNames(control));
    }

    /** The event stream and the buckets these settings name. */
    private static void deleteNatsNames(String server, Map<String, String> settings) {
        TestNats.delete(server, List.of(settings.get("EVENTS_STREAM")),
                List.of(settings.get("MESH_PRESENCE_BUCKET"), settings.get("NATS_SESSION_BUCKET")));
    }

    /**
     * The NATS names of the gateways on this control database, unless a test names its own: an
     * event stream and subjects, a presence bucket, mesh subjects and a session bucket of their own,
     * so that test gateways share neither the defaults of a gateway running beside the suite nor
     * each other's.
     */
    static Map<String, String> natsNames(String control) {
        return Map.of("EVENTS_STREAM", control + "_events", "EVENTS_SUBJECT_PREFIX", control,
                "MESH_PRESENCE_BUCKET", control, "MESH_SUBJECT_PREFIX", control + "-mesh",
                "NATS_SESSION_BUCKET", control + "_sessions");
    }

    public Http http() {
        return http;
    }

    public int port() {
        return gateway.port();
    }

    public Gateway gateway() {
        return gateway;
    }

    public String controlDatabase() {
        return controlDatabase;
    }

    /** A platform name no other test or run uses; its databases are dropped on close. */
    public synchronized String platform() {
        String name = "t" + randomHex();
        platforms.add(name);
        return name;
    }

    public static String randomHex() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    @Override
    public void close() {
        if (!owner) {
            gateway.close();
            return;
        }
        List<String> recorded = recorded(controlDatabase);
        gateway.close(); // closing twice is harmless
        dropAll(controlDatabase, recorded, platforms);
        Optional.ofNullable(env.get("NATS_URL")).ifPresent(server -> deleteNatsNames(server, env));
    }

    /**
     * The databases, templates and ready copies a control database knows of, and the databases whose
     * creation began (a killed gateway's leftovers); empty when the control database is gone.
     */
    public static List<String> recorded(String controlDatabase) {
        List<String> recorded = new ArrayList<>();
        if (Pg.databaseExists(controlDatabase)) {
            Pg.query(controlDatabase, "SELECT name FROM databases UNION SELECT database_name FROM templates"
                            + " UNION SELECT database FROM ready_copies UNION SELECT name FROM database_creations")
                    .forEach(r -> recorded.add(r.get(0)));
        }
        return recorded;
    }

    /** Drops what a test gateway made: its databases, templates, control database and platform roles. */
    public static void dropAll(String controlDatabase, List<String> recorded, List<String> platforms) {
        for (String db : Pg.databases()) {
            boolean ours = recorded.contains(db) || platforms.stream().anyMatch(db::startsWith);
            if (ours) {
                Pg.drop(db);
            }
        }
        Pg.drop(controlDatabase);
        for (String role : Pg.query("postgres", "SELECT rolname FROM pg_roles WHERE rolname LIKE 'cairn\\_%'")
                .stream().map(r -> r.get(0)).toList()) {
            if (platforms.stream().anyMatch(p -> role.equals("cairn_" + p) || role.startsWith("cairn_" + p + "-"))) {
                Pg.execute("postgres", "DROP ROLE IF EXISTS \"" + role.replace("\"", "\"\"") + "\"");
            }
        }
    }
}
