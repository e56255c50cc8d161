package dev.cairn.api;

import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where error codes become HTTP: status, {@code Retry-After}, and the JSON body
 * {@code {error, message, ...fields, request_id}}. Never a stack trace.
 */
final class HttpErrors {

    private static final String RETRY_AFTER_SECONDS = "1";

    private HttpErrors() {
    }

    static int status(Problem problem) {
        return switch (problem.code()) {
            case INVALID_REQUEST, VALIDATION_ERROR, INVALID_QUERY, QUERY_TOO_COMPLEX, TENANT_REQUIRED, SCHEMA_EXTRACTION_FAILED, BUNDLE_TOO_LARGE,
                 EXTENSION_NOT_AVAILABLE, AMBIGUOUS_FUNCTION, IDEMPOTENCY_REQUIRED -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN, INTROSPECTION_DISABLED -> 403;
            case ROUTE_NOT_FOUND, DATABASE_NOT_FOUND, PLATFORM_NOT_FOUND, SCHEMA_NOT_FOUND, FUNCTION_NOT_FOUND,
                 JOB_NOT_FOUND, ENTITY_NOT_FOUND, RECORD_NOT_FOUND, REALM_NOT_FOUND, MEMBER_NOT_FOUND, CONTRACT_NOT_FOUND,
                 POLICY_NOT_FOUND, BRIDGE_NOT_FOUND, SERVICE_NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case DATABASE_ALREADY_EXISTS, PLATFORM_ALREADY_REGISTERED, SCHEMA_CHANGE_BLOCKED,
                 MIGRATION_CHECKSUM_MISMATCH, SEED_ROWS_MISSING, JOB_ALREADY_RUNNING, TENANT_CONFLICT, CONFLICT,
                 IDEMPOTENCY_CONFLICT, ALREADY_EXISTS, REALM_HAS_CHILDREN -> 409;
            case DATABASE_SUSPENDED -> 423;
            case PAYLOAD_TOO_LARGE -> 413;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case MIGRATION_FAILED, FUNCTION_DEPLOY_FAILED, IDEMPOTENCY_KEY_REUSED -> 422;
            case QUERY_FAILED -> statusOfSqlState(String.valueOf(problem.fields().getOrDefault("sqlstate", "")));
            case CONNECTION_FAILED, POOL_EXHAUSTED, ADMIN_DISABLED, EVENTS_UNAVAILABLE, SESSIONS_DISABLED,
                 UPSTREAM_NOT_CONFIGURED, TARGET_OFFLINE, RATE_LIMITER_UNAVAILABLE -> 503;
            case UPSTREAM_FAILED -> 502;
            case UPSTREAM_TIMEOUT, SERVICE_TIMEOUT -> 504;
            case TOO_MANY_SUBSCRIPTIONS, RATE_LIMITED -> 429;
            case INTERNAL_ERROR, INVALID_CONFIGURATION -> 500;
        };
    }

    /** SQLSTATE classes PostgreSQL itself defines; any other class was raised by application code. */
    private static final java.util.Set<String> STANDARD_CLASSES = java.util.Set.of(
            "00", "01", "02", "03", "08", "09", "0A", "0B", "0F", "0L", "0P", "0Z", "20", "21", "22", "23", "24",
            "25", "26", "27", "28", "2B", "2D", "2F", "34", "38", "39", "3B", "3D", "3F", "40", "42", "44", "53",
            "54", "55", "57", "58", "72", "F0", "HV", "P0", "XX");

    /** PostgreSQL raised it: the SQLSTATE class says whose fault it is. */
    static int statusOfSqlState(String sqlstate) {
        String cls = sqlstate.length() >= 2 ? sqlstate.substring(0, 2) : "";
        if (cls.equals("P0") || cls.equals("22") || (!cls.isEmpty() && !STANDARD_CLASSES.contains(cls))) {
            return 400; // RAISE in the function (P0, or a custom ERRCODE), or bad data
        }
        if (sqlstate.startsWith("23") || sqlstate.equals("40001") || sqlstate.equals("40P01")) {
            return 409;
        }
        if (sqlstate.equals("42501")) {
            return 403;
        }
        if (sqlstate.equals("57014")) {
            return 504;
        }
        if (sqlstate.startsWith("08") || sqlstate.startsWith("53") || sqlstate.startsWith("57P")) {
            return 503;
        }
        return 500;
    }

    static byte[] body(Problem problem, String requestId) {
        Map<String, Object> body = fields(problem);
        body.put("request_id", requestId);
        return Json.bytes(body);
    }

    /** The body's fields without the request id, for answers that are not HTTP responses (WebSocket frames). */
    static Map<String, Object> fields(Problem problem) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", problem.code().wireName());
        body.put("message", problem.message());
        problem.fields().forEach((k, v) -> {
            if (!k.equals("rate_limit")) { // sent as headers
                body.put(k, v);
            }
        });
        if (problem.code() == ErrorCode.QUERY_FAILED && isRetryable(problem)) {
            body.put("retryable", true);
        }
        return body;
    }

    /**
     * The WebSocket close code for an error that ends a connection: 4000 plus the last two digits
     * of a 4xx status (401 is 4001), 4500 plus those of a 5xx one (503 is 4503).
     */
    static int closeCode(Problem problem) {
        int status = status(problem);
        return status < 500 ? 4000 + (status - 400) : 4500 + (status - 500);
    }

    static void send(ServerResponse res, Problem problem, String requestId) {
        int status = status(problem);
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (status == 503 || status == 429) {
            Object retry = problem.fields().get("retry_after_seconds");
            res.header(HeaderNames.RETRY_AFTER, retry instanceof Number n ? String.valueOf(n.longValue()) : RETRY_AFTER_SECONDS);
        }
        if (problem.fields().get("rate_limit") instanceof Map<?, ?> headers) {
            headers.forEach((name, value) -> res.header(String.valueOf(name), String.valueOf(value)));
        }
        if (status == 401) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        res.send(body(problem, requestId));
    }

    private static boolean isRetryable(Problem problem) {
        Object state = problem.fields().get("sqlstate");
        return "40001".equals(state) || "40P01".equals(state);
    }
}
