package dev.cairn.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.fleet.ControlDatabase;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Playbook runs started through Cairn, in the control database: the row is written before the
 * workflow server is asked (a callback may overtake the server's answer), completed with the
 * execution's id and the answer, and removed if the start failed, so the same Idempotency-Key can
 * try again. Also the callback signatures already accepted (replays refused on every instance).
 */
final class ExecutionStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ControlDatabase control;

    ExecutionStore(ControlDatabase control) {
        this.control = control;
    }

    /** A run as recorded: enough to route a callback and to check who may watch it. */
    record Run(String requestId, Optional<String> executionId, String platform, String playbook,
               Optional<JsonNode> answer) {
    }

    /**
     * Records a run about to start. With an idempotency key already used by this actor on this
     * platform, the earlier run instead: finished (its answer replays) or still starting (409).
     */
    Optional<Run> begin(String requestId, String platform, String playbook, String actor, Optional<String> clientId,
                        Optional<String> key) {
        return control.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO upstream_requests (request_id, platform, playbook, actor, client_id, idempotency_key)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")) {
                ps.setString(1, requestId);
                ps.setString(2, platform);
                ps.setString(3, playbook);
                ps.setString(4, actor);
                ps.setString(5, clientId.orElse(null));
                ps.setString(6, key.orElse(null));
                if (ps.executeUpdate() == 1) {
                    return Optional.<Run>empty();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM upstream_requests"
                    + " WHERE platform = ? AND actor = ? AND idempotency_key = ?")) {
                ps.setString(1, platform);
                ps.setString(2, actor);
                ps.setString(3, key.orElseThrow());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw CairnException.of(ErrorCode.IDEMPOTENCY_CONFLICT, "the Idempotency-Key is being used"
                                + " right now; try again in a moment");
                    }
                    Run earlier = run(rs);
                    if (!earlier.playbook().equals(playbook)) {
                        throw CairnException.of(ErrorCode.IDEMPOTENCY_KEY_REUSED, "this Idempotency-Key started"
                                + " playbook " + earlier.playbook() + ", not " + playbook);
                    }
                    if (earlier.answer().isEmpty()) {
                        throw CairnException.of(ErrorCode.IDEMPOTENCY_CONFLICT, "a run with this Idempotency-Key"
                                + " is still starting; try again in a moment");
                    }
                    return Optional.of(earlier);
                }
            }
        });
    }

    void started(String requestId, String executionId, JsonNode answer) {
        update("UPDATE upstream_requests SET execution_id = ?, answer = ?::jsonb WHERE request_id = ?",
                executionId, answer.toString(), requestId);
    }

    void failed(String requestId) {
        update("DELETE FROM upstream_requests WHERE request_id = ?", requestId);
    }

    /** A callback's execution id, learnt before the server's answer came back (first one wins). */
    void learnt(String requestId, String executionId) {
        update("UPDATE upstream_requests SET execution_id = ? WHERE request_id = ? AND execution_id IS NULL",
                executionId, requestId);
    }

    Optional<Run> byRequest(String requestId) {
        return control.query("SELECT * FROM upstream_requests WHERE request_id = ?", ExecutionStore::run, requestId)
                .stream().findFirst();
    }

    Optional<Run> byExecution(String executionId) {
        return control.query("SELECT * FROM upstream_requests WHERE execution_id = ? ORDER BY created_at LIMIT 1",
                ExecutionStore::run, executionId).stream().findFirst();
    }

    /** Records a callback's signature; false if it was seen before (a replay). */
    boolean firstSighting(String signature) {
        return control.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO callback_signatures (signature) VALUES (?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, signature);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Forgets signatures too old to be accepted anyway and runs older than a week. */
    void purge(java.time.Duration window) {
        control.inTransaction(c -> {
            try (PreparedStatement a = c.prepareStatement(
                    "DELETE FROM callback_signatures WHERE seen_at < now() - make_interval(secs => ?)");
                 PreparedStatement b = c.prepareStatement(
                         "DELETE FROM upstream_requests WHERE created_at < now() - interval '7 days'")) {
                a.setDouble(1, window.toSeconds() * 2.0);
                a.executeUpdate();
                return b.executeUpdate();
            }
        });
    }

    private void update(String sql, String... params) {
        control.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setString(i + 1, params[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    private static Run run(ResultSet rs) throws SQLException {
        String answer = rs.getString("answer");
        try {
            return new Run(rs.getString("request_id"), Optional.ofNullable(rs.getString("execution_id")),
                    rs.getString("platform"), rs.getString("playbook"),
                    answer == null ? Optional.empty() : Optional.of(JSON.readTree(answer)));
        } catch (IOException e) {
            throw new SQLException("upstream_requests.answer is not JSON", e);
        }
    }
}
