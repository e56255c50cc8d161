package dev.cairn.error;

/**
 * Stable, greppable error codes. The wire name is what clients read in the {@code error} field;
 * it never changes once published. The HTTP status for each code lives in exactly one place,
 * {@code dev.cairn.api.HttpErrors}.
 */
public enum ErrorCode {
    // request (400 and friends)
    INVALID_REQUEST("invalid_request"),
    VALIDATION_ERROR("validation_error"),
    INVALID_QUERY("invalid_query"),
    QUERY_TOO_COMPLEX("query_too_complex"),
    TENANT_REQUIRED("tenant_required"),
    TENANT_CONFLICT("tenant_conflict"),
    ENTITY_NOT_FOUND("entity_not_found"),
    IDEMPOTENCY_REQUIRED("idempotency_required"),
    SCHEMA_EXTRACTION_FAILED("schema_extraction_failed"),
    BUNDLE_TOO_LARGE("bundle_too_large"),
    EXTENSION_NOT_AVAILABLE("extension_not_available"),
    AMBIGUOUS_FUNCTION("ambiguous_function"),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
    PAYLOAD_TOO_LARGE("payload_too_large"),
    ROUTE_NOT_FOUND("not_found"),
    METHOD_NOT_ALLOWED("method_not_allowed"),

    // identity
    UNAUTHORIZED("unauthorized"),
    FORBIDDEN("forbidden"),
    INTROSPECTION_DISABLED("introspection_disabled"),
    ADMIN_DISABLED("admin_disabled"),
    /** Logins need an identity provider: {@code OIDC_ISSUER}. */
    SESSIONS_DISABLED("sessions_disabled"),

    // lookups
    DATABASE_NOT_FOUND("database_not_found"),
    PLATFORM_NOT_FOUND("platform_not_found"),
    SCHEMA_NOT_FOUND("schema_not_found"),
    FUNCTION_NOT_FOUND("function_not_found"),
    JOB_NOT_FOUND("job_not_found"),
    /** The realm mesh's records: a realm, member, contract, capability, policy or bridge that does not exist. */
    REALM_NOT_FOUND("realm_not_found"),
    MEMBER_NOT_FOUND("member_not_found"),
    CONTRACT_NOT_FOUND("contract_not_found"),
    POLICY_NOT_FOUND("policy_not_found"),
    BRIDGE_NOT_FOUND("bridge_not_found"),
    /** No member of the mesh offers this service under this capability. */
    SERVICE_NOT_FOUND("service_not_found"),
    /** A data-API row (the Panorama gateway's wire name). */
    RECORD_NOT_FOUND("not_found"),

    // conflicts
    DATABASE_ALREADY_EXISTS("database_already_exists"),
    PLATFORM_ALREADY_REGISTERED("platform_already_registered"),
    SCHEMA_CHANGE_BLOCKED("schema_change_blocked"),
    MIGRATION_CHECKSUM_MISMATCH("migration_checksum_mismatch"),
    SEED_ROWS_MISSING("seed_rows_missing"),
    JOB_ALREADY_RUNNING("job_already_running"),
    DATABASE_SUSPENDED("database_suspended"),
    /** A write that breaks a unique or foreign key (PostgreSQL's constraint named). */
    CONFLICT("conflict"),
    /** Another request with this idempotency key is still running. */
    IDEMPOTENCY_CONFLICT("idempotency_conflict"),
    /** An idempotency key used again for a different request. */
    IDEMPOTENCY_KEY_REUSED("idempotency_key_reused"),
    /** A realm-mesh record (realm, member, contract version, policy, bridge) that exists already. */
    ALREADY_EXISTS("already_exists"),
    /** A realm that still has child realms cannot be deleted. */
    REALM_HAS_CHILDREN("realm_has_children"),

    // PostgreSQL said no
    QUERY_FAILED("query_failed"),
    MIGRATION_FAILED("migration_failed"),
    FUNCTION_DEPLOY_FAILED("function_deploy_failed"),

    // capacity and availability
    CONNECTION_FAILED("connection_failed"),
    POOL_EXHAUSTED("pool_exhausted"),
    EVENTS_UNAVAILABLE("events_unavailable"),
    TOO_MANY_SUBSCRIPTIONS("too_many_subscriptions"),
    /** A rate limit's bucket is empty: {@code Retry-After} says when a token is back. */
    RATE_LIMITED("rate_limited"),
    /** The rate limiter's shared store is down and its fail mode is {@code closed}. */
    RATE_LIMITER_UNAVAILABLE("rate_limiter_unavailable"),
    /** The mesh knows providers of the service, but none is connected now. */
    TARGET_OFFLINE("target_offline"),
    /** A mesh member did not answer a call or a loop in its time. */
    SERVICE_TIMEOUT("service_timeout"),
    /** An outside service Cairn relies on (a workflow server, an identity provider) failed or answered nonsense. */
    UPSTREAM_FAILED("upstream_failed"),
    /** An outside service Cairn relies on did not answer in time. */
    UPSTREAM_TIMEOUT("upstream_timeout"),
    /** Upstream actions need an upstream: {@code NOETL_BASE_URL} or the platform's settings. */
    UPSTREAM_NOT_CONFIGURED("upstream_not_configured"),
    INTERNAL_ERROR("internal_error"),

    // start-up only: never sent over HTTP, but it is still one stable code
    INVALID_CONFIGURATION("invalid_configuration");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The value of the {@code error} field in every error body. */
    public String wireName() {
        return wireName;
    }

    /** The code with this wire name (as stored in a job's results). */
    public static java.util.Optional<ErrorCode> ofWire(String wire) {
        return java.util.Arrays.stream(values()).filter(c -> c.wireName.equals(wire)).findFirst();
    }
}
