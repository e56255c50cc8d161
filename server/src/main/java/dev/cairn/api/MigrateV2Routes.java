package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.deploy.MigrateOptions;
import dev.cairn.diff.AllowKind;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.DatabaseMigration;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.Registrar;
import dev.cairn.fleet.Registry;
import dev.cairn.fleet.RequestMeta;
import dev.cairn.fleet.SchemaVersion;
import dev.cairn.job.JobEngine;
import dev.cairn.job.JobView;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Migrating to a stored schema: {@code /v2/migrate} (one database) and {@code /v2/migrate-all}
 * (a fleet job: answered when it ends in time, else polled or streamed by {@link JobStream}, and
 * resumed). The v1 upload route is {@link MigrateRoutes}.
 */
final class MigrateV2Routes {

    private static final HeaderName PREFER = HeaderNames.create("Prefer");
    private static final HeaderName PREFERENCE_APPLIED = HeaderNames.create("Preference-Applied");

    private final Registrar registrar;
    private final Registry registry;
    private final JobEngine jobs;
    private final long maxJsonBytes;
    private final Duration migrateAllSyncWait;

    MigrateV2Routes(Registrar registrar, Registry registry, JobEngine jobs, long maxJsonBytes, Duration migrateAllSyncWait) {
        this.registrar = registrar;
        this.registry = registry;
        this.jobs = jobs;
        this.maxJsonBytes = maxJsonBytes;
        this.migrateAllSyncWait = migrateAllSyncWait;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/v2/migrate", this::migrateV2);
        table.post(routing, "/v2/migrate-all", this::migrateAll);
        table.get(routing, "/v2/migrate-all/{job_id}", this::job);
        table.post(routing, "/v2/migrate-all/{job_id}/resume", this::resume);
    }

    private void migrateV2(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        String platform = Names.platform(Bodies.text(body, "platform"));
        RequestIdentity.actFor(req, platform);
        String schema = Names.schema(Bodies.text(body, "schema_name"));
        Optional<String> id = databaseId(body);
        AccessFilter.subject(platform, id);
        String database = Names.database(platform, schema, id);
        MigrateOptions options = options(body);
        RequestMeta meta = Responses.meta(req);
        DatabaseMigration done = Responses.audited(registry, meta, "migrate", Optional.of(platform), () -> {
            SchemaVersion version = registry.requireLatestVersion(platform, schema);
            return registrar.migrator().migrate(database, platform, id,
                    registrar.target(version, version.variant()), options, meta);
        }, d -> Optional.of(d.database()));
        Map<String, Object> out = new LinkedHashMap<>(MigrateBodies.single(database, done.result()));
        out.put("platform", platform);
        out.put("schema_name", schema);
        Responses.json(res, 200, out);
    }

    private void migrateAll(ServerRequest req, ServerResponse res) {
        JsonNode body = Bodies.jsonObject(req, maxJsonBytes);
        String platform = Names.platform(Bodies.text(body, "platform"));
        AccessFilter.subject(platform, Optional.empty());
        RequestIdentity.actFor(req, platform);
        String schema = Names.schema(Bodies.text(body, "schema_name"));
        MigrateOptions options = options(body);
        boolean stop = stopOnError(body);
        OptionalInt concurrency = positiveInt(body, "concurrency");
        boolean wait = req.query().first("wait").map(Forms::truthy).orElse(false);
        RequestMeta meta = Responses.meta(req);
        Optional<JobEngine.Started> started = Responses.audited(registry, meta, "migrate-all", Optional.of(platform),
                () -> jobs.startSchema(registry.requireLatestVersion(platform, schema), options,
                        stop, concurrency, meta), s -> Optional.empty());
        if (started.isEmpty()) {
            res.status(io.helidon.http.Status.NO_CONTENT_204);
            res.send();
            return;
        }
        JobEngine.Started job = started.get();
        if (wait) {
            Responses.json(res, 200, MigrateBodies.job(jobs.await(job.id()), true));
            return;
        }
        boolean async = respondAsync(req);
        Optional<JobView> done = async || job.afterInterrupted() ? Optional.empty()
                : jobs.awaitFor(job.id(), migrateAllSyncWait);
        // An interrupted job can be resumed: the client should poll it, as it would a running one.
        if (done.isPresent() && !done.get().status().equals("interrupted")) {
            Responses.json(res, 200, MigrateBodies.job(done.get(), true));
            return;
        }
        if (async) {
            res.header(PREFERENCE_APPLIED, "respond-async");
        }
        Responses.json(res, 202, MigrateBodies.started(job));
    }

    /** RFC 7240 {@code Prefer: respond-async}, among other preferences, in any of the Prefer headers. */
    static boolean respondAsync(ServerRequest req) {
        return req.headers().all(PREFER, List::of).stream()
                .flatMap(h -> Arrays.stream(h.split(",")))
                .map(p -> p.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
                .anyMatch(p -> p.equals("respond-async"));
    }

    private void job(ServerRequest req, ServerResponse res) {
        JobView job = jobs.view(jobId(req));
        AccessFilter.subject(job.platform(), Optional.empty());
        RequestIdentity.actFor(req, job.platform());
        Optional<JobStream.Format> stream = JobStream.format(req);
        if (stream.isPresent()) {
            new JobStream(jobs, stream.get()).send(job.id(), res);
            return;
        }
        Responses.json(res, 200, MigrateBodies.job(job, true));
    }

    private void resume(ServerRequest req, ServerResponse res) {
        UUID id = jobId(req);
        JobView job = jobs.view(id);
        AccessFilter.subject(job.platform(), Optional.empty());
        RequestIdentity.actFor(req, job.platform());
        RequestMeta meta = Responses.meta(req);
        JobEngine.Started started = Responses.audited(registry, meta, "migrate-all-resume",
                Optional.of(job.platform()), () -> jobs.resume(id, meta), s -> Optional.empty());
        Responses.json(res, 202, MigrateBodies.started(started));
    }

    // ---- request parts -------------------------------------------------------------------------

    /** {@code database_id} or v4's {@code uuid}; absent, empty or {@code "main"} mean the schema's own database. */
    static Optional<String> databaseId(JsonNode body) {
        return Bodies.optionalText(body, "database_id").or(() -> Bodies.optionalText(body, "uuid"))
                .map(String::strip).filter(v -> !v.isEmpty() && !v.equals("null") && !v.equals(Names.MAIN))
                .map(Names::databaseId);
    }

    /** force, allow (a list or a comma string), dry_run, skip_verification. */
    static MigrateOptions options(JsonNode body) {
        return new MigrateOptions(flag(body, "force"), AllowKind.parse(allow(body)), flag(body, "dry_run"),
                !flag(body, "skip_verification"));
    }

    private static List<String> allow(JsonNode body) {
        JsonNode node = body.get("allow");
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.asText().split("[,\\s]+"));
        }
        if (!node.isArray()) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, "allow must be a list of tokens")
                    .with("field", "allow"));
        }
        List<String> out = new ArrayList<>();
        node.forEach(t -> out.add(t.asText()));
        return out;
    }

    private static boolean flag(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() || node.isNumber()) {
            return Forms.truthy(node.asText());
        }
        throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, field + " must be true or false")
                .with("field", field));
    }

    /** {@code on_error}: {@code stop} or {@code continue} (the default). */
    private static boolean stopOnError(JsonNode body) {
        return Bodies.optionalText(body, "on_error").map(v -> switch (v) {
            case "stop" -> true;
            case "continue" -> false;
            default -> throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                    "on_error must be stop or continue").with("field", "on_error"));
        }).orElse(false);
    }

    private static OptionalInt positiveInt(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return OptionalInt.empty();
        }
        if (!node.canConvertToInt() || node.asInt() < 1) {
            throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, field + " must be a positive integer")
                    .with("field", field));
        }
        return OptionalInt.of(node.asInt());
    }

    private static UUID jobId(ServerRequest req) {
        String raw = req.path().pathParameters().get("job_id");
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw new CairnException(Problem.of(ErrorCode.JOB_NOT_FOUND, "job " + raw + " does not exist"));
        }
    }
}
