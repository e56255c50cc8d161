package dev.cairn.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.sql.Locks;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Idempotency keys of data-API writes, kept in the written database ({@code cairn.idempotency})
 * and recorded in the write's own transaction, so a crash can never leave an effect without its key
 * or a key without its effect (IETF draft "The Idempotency-Key HTTP Header Field" semantics):
 * the same key and request again replays the stored answer; the same key with another request is
 * {@code 422}; the same key while the first request runs is {@code 409}. Keys are scoped per
 * principal and tenant.
 */
public final class Idempotency {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_KEY = 255;

    private Idempotency() {
    }

    /**
     * One request's key.
     *
     * @param scope       who asked, for which tenant: keys of different scopes never meet
     * @param fingerprint SHA-256 over method, real path, tenant, principal and the body's canonical JSON
     */
    public record Key(String scope, String key, String fingerprint) {
    }

    /** What a request answered, as stored for a replay. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        public Answer {
            headers = Map.copyOf(headers);
        }
    }

    /** The key of a request; {@code 400} for a key that is empty, too long or not printable ASCII. */
    public static Key key(String key, String method, String rawPath, String tenant, String actor, JsonNode body) {
        if (key.isEmpty() || key.length() > MAX_KEY || !key.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
            throw new CairnException(Problem.of(ErrorCode.INVALID_REQUEST, "Idempotency-Key is 1 to " + MAX_KEY
                    + " printable ASCII characters").with("field", "Idempotency-Key"));
        }
        String canonical = canonical(body).toString();
        String fingerprint = sha256(method + "\n" + rawPath + "\n" + tenant + "\n" + actor + "\n" + canonical);
        return new Key(actor + "\n" + tenant, key, fingerprint);
    }

    /** The body with every object's keys sorted, so key order never changes the fingerprint. */
    static JsonNode canonical(JsonNode node) {
        if (node == null) {
            return JSON.nullNode();
        }
        if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), canonical(e.getValue()));
            }
            ObjectNode o = JSON.createObjectNode();
            sorted.forEach(o::set);
            return o;
        }
        if (node.isArray()) {
            var a = JSON.createArrayNode();
            node.forEach(n -> a.add(canonical(n)));
            return a;
        }
        return node;
    }

    /**
     * Inside the write's transaction, before its effect: the stored answer to replay, or empty to go
     * ahead (the key is then held until the transaction ends).
     */
    static Optional<Answer> claim(Connection c, Key key) throws SQLException {
        if (!Locks.IDEMPOTENCY.tryTransaction(c, key.scope() + "\n" + key.key())) {
            throw new CairnException(Problem.of(ErrorCode.IDEMPOTENCY_CONFLICT, "a request with this Idempotency-Key"
                    + " is still being processed; retry when it has finished").with("field", "Idempotency-Key"));
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT fingerprint, status, headers::text, body"
                + " FROM cairn.idempotency WHERE scope = ? AND key = ? AND expires_at > now()")) {
            ps.setString(1, key.scope());
            ps.setString(2, key.key());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!rs.getString(1).equals(key.fingerprint())) {
                    throw new CairnException(Problem.of(ErrorCode.IDEMPOTENCY_KEY_REUSED, "this Idempotency-Key was"
                            + " used for a different request (method, path, tenant, principal or body differ)")
                            .with("field", "Idempotency-Key"));
                }
                Map<String, String> headers = new LinkedHashMap<>();
                try {
                    JSON.readTree(rs.getString(3)).fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
                } catch (java.io.IOException e) {
                    throw new SQLException("stored idempotency headers do not parse", e);
                }
                return Optional.of(new Answer(rs.getInt(2), headers, rs.getBytes(4)));
            }
        }
    }

    /** In the same transaction, after the effect: the answer a replay will give, kept for {@code retention}. */
    static void record(Connection c, Key key, Answer answer, Duration retention) throws SQLException {
        ObjectNode headers = JSON.createObjectNode();
        answer.headers().forEach(headers::put);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO cairn.idempotency (scope, key, fingerprint, status, headers, body, expires_at)
                VALUES (?, ?, ?, ?, ?::jsonb, ?, now() + make_interval(secs => ?))
                ON CONFLICT (scope, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status,
                    headers = EXCLUDED.headers, body = EXCLUDED.body, created_at = now(), expires_at = EXCLUDED.expires_at""")) {
            ps.setString(1, key.scope());
            ps.setString(2, key.key());
            ps.setString(3, key.fingerprint());
            ps.setInt(4, answer.status());
            ps.setString(5, headers.toString());
            ps.setBytes(6, answer.body());
            ps.setLong(7, retention.toSeconds());
            ps.executeUpdate();
        }
    }

    /** Deletes up to {@code batch} expired keys; how many it deleted. */
    static int sweep(Connection c, int batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM cairn.idempotency WHERE ctid IN (SELECT ctid"
                + " FROM cairn.idempotency WHERE expires_at <= now() LIMIT ?)")) {
            ps.setInt(1, batch);
            return ps.executeUpdate();
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
