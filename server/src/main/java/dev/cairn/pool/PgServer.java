package dev.cairn.pool;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where the PostgreSQL server is and how to log in. {@code maintenanceDatabase} is the database
 * Cairn connects to for {@code CREATE DATABASE} and server-wide questions ({@code postgres} by
 * default); every managed database is reached on the same server by name.
 *
 * <p>{@code properties} are extra pgjdbc properties from the URL query ({@code sslmode}, ...).
 */
public record PgServer(String host, int port, String maintenanceDatabase, String user, String password,
                       Map<String, String> properties) {

    public PgServer {
        properties = Map.copyOf(properties);
    }

    /**
     * Parses {@code postgres://user:pass@host:5432/db?sslmode=require}, the {@code postgresql://}
     * form, and {@code jdbc:postgresql://host/db?user=..&password=..}.
     */
    public static PgServer fromUrl(String url) {
        String withoutJdbc = url.startsWith("jdbc:") ? url.substring(5) : url;
        URI uri;
        try {
            uri = new URI(withoutJdbc);
        } catch (URISyntaxException e) {
            throw invalid("not a valid URL (" + e.getReason() + ")");
        }
        if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
            throw invalid("expected postgres://, postgresql:// or jdbc:postgresql://");
        }
        Map<String, String> query = query(uri.getRawQuery());
        String[] userInfo = userInfo(uri.getRawUserInfo());
        String user = Optional.ofNullable(query.remove("user")).orElse(userInfo[0]);
        String password = Optional.ofNullable(query.remove("password")).orElse(userInfo[1]);
        String host = Optional.ofNullable(uri.getHost()).orElse("localhost");
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        String path = Optional.ofNullable(uri.getPath()).orElse("");
        String database = path.length() > 1 ? decode(path.substring(1)) : "postgres";
        return new PgServer(host.replace("[", "").replace("]", ""), port, database,
                user.isEmpty() ? "postgres" : user, password, query);
    }

    /** A data source for one database on this server, as Cairn's own user; no pooling here. */
    public PGSimpleDataSource dataSource(String database, String applicationName) {
        return dataSource(database, applicationName, new Login(user, password));
    }

    /** A data source for one database on this server, as {@code login}. */
    public PGSimpleDataSource dataSource(String database, String applicationName, Login login) {
        var ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {host});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName(database);
        ds.setUser(login.user());
        if (!login.password().isEmpty()) {
            ds.setPassword(login.password());
        }
        ds.setApplicationName(applicationName);
        // Cairn needs PostgreSQL 13+; saying so lets pgjdbc put application_name in the start-up
        // packet instead of sending a SET after connecting (one round trip less per connection).
        ds.setAssumeMinServerVersion("13");
        if (!properties.containsKey("sslmode") && loopback()) {
            // pgjdbc's default ("prefer") asks for TLS on every connection first; over loopback
            // that buys nothing and costs a round trip per connection, which a fleet migrate
            // opens once per database. An explicit ?sslmode= in DATABASE_URL always wins.
            ds.setSslMode("disable");
        }
        properties.forEach((k, v) -> setProperty(ds, k, v));
        return ds;
    }

    private boolean loopback() {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
    }

    private static void setProperty(PGSimpleDataSource ds, String key, String value) {
        try {
            ds.setProperty(key, value);
        } catch (java.sql.SQLException e) {
            throw invalid("unknown connection parameter '" + key + "'");
        }
    }

    private static String[] userInfo(String raw) {
        if (raw == null || raw.isEmpty()) {
            return new String[] {"", ""};
        }
        int colon = raw.indexOf(':');
        if (colon < 0) {
            return new String[] {decode(raw), ""};
        }
        return new String[] {decode(raw.substring(0, colon)), decode(raw.substring(colon + 1))};
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            out.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return out;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static CairnException invalid(String why) {
        return CairnException.of(ErrorCode.INVALID_CONFIGURATION, "DATABASE_URL: " + why);
    }

    /** For logs: never the password. */
    public String describe() {
        return user + "@" + host + ":" + port + "/" + maintenanceDatabase;
    }

    @Override
    public String toString() {
        return describe();
    }
}
