package dev.cairn.api;

import dev.cairn.error.CairnException;
import dev.cairn.fleet.AuditEntry;
import dev.cairn.fleet.Registry;
import dev.cairn.fleet.RequestMeta;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Small shared pieces of the faces: JSON responses, request facts, audited actions. */
final class Responses {

    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    private Responses() {
    }

    static void json(ServerResponse res, int status, Object body) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(Json.bytes(body));
    }

    static RequestInfo info(ServerRequest req) {
        return req.context().get(RequestInfo.class)
                .orElseThrow(() -> new IllegalStateException("the access filter did not run"));
    }

    /** The request's id, its principal as the actor, and its client address. */
    static RequestMeta meta(ServerRequest req) {
        return meta(req, RequestIdentity.actor(req));
    }

    static RequestMeta meta(ServerRequest req, String actor) {
        RequestInfo info = info(req);
        return new RequestMeta(info.requestId(), actor, info.clientText());
    }

    /**
     * Runs a deploy or admin action and writes one audit row whatever happens, so failed and
     * refused attempts are on record too.
     */
    static <T> T audited(Registry registry, RequestMeta meta, String action, Optional<String> platform,
                         Supplier<T> work, java.util.function.Function<T, Optional<String>> databaseOf) {
        return audited(registry, meta, action, platform, work, databaseOf, result -> 200);
    }

    /** The same, with the status a success is recorded with taken from its result (201 for a create, say). */
    static <T> T audited(Registry registry, RequestMeta meta, String action, Optional<String> platform,
                         Supplier<T> work, java.util.function.Function<T, Optional<String>> databaseOf,
                         java.util.function.ToIntFunction<T> statusOf) {
        try {
            T result = work.get();
            write(registry, new AuditEntry(meta.requestId(), meta.actor(), meta.sourceIp(), action, platform,
                    databaseOf.apply(result), statusOf.applyAsInt(result), "{}"));
            return result;
        } catch (CairnException e) {
            write(registry, new AuditEntry(meta.requestId(), meta.actor(), meta.sourceIp(), action, platform,
                    Optional.ofNullable((String) e.problem().fields().get("database")),
                    HttpErrors.status(e.problem()),
                    new String(Json.bytes(Map.of("error", e.code().wireName(), "message", e.getMessage())),
                            java.nio.charset.StandardCharsets.UTF_8)));
            throw e;
        } catch (RuntimeException e) {
            write(registry, new AuditEntry(meta.requestId(), meta.actor(), meta.sourceIp(), action, platform,
                    Optional.empty(), 500, "{\"error\":\"internal_error\"}"));
            throw e;
        }
    }

    /** An audit row that cannot be written is logged loudly, but never changes the answer to the client. */
    private static void write(Registry registry, AuditEntry entry) {
        try {
            registry.audit(entry);
        } catch (CairnException e) {
            LOG.error("could not write the audit log entry for request {} ({} {} -> {}): {}", entry.requestId(),
                    entry.action(), entry.platform().orElse("-"), entry.status(), e.getMessage());
        }
    }
}
