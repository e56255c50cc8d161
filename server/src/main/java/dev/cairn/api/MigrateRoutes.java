package dev.cairn.api;

import dev.cairn.bundle.BundleLimits;
import dev.cairn.bundle.Variant;
import dev.cairn.deploy.MigrateOptions;
import dev.cairn.diff.AllowKind;
import dev.cairn.fleet.DatabaseMigration;
import dev.cairn.fleet.MigrationTarget;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.Registrar;
import dev.cairn.fleet.Registry;
import dev.cairn.fleet.RequestMeta;
import dev.cairn.job.V1Fleet;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import java.util.Optional;

/**
 * v1 {@code /migrate} as StoneScript clients send it: a multipart upload that migrates one tenant,
 * or without {@code tenant_id} the platform's whole v1 fleet ({@link V1Fleet}), answered when
 * done. Migrating to stored schemas (v2) is {@link MigrateV2Routes}.
 */
final class MigrateRoutes {

    private final Registrar registrar;
    private final Registry registry;
    private final V1Fleet v1Fleet;
    private final BundleLimits bundleLimits;

    MigrateRoutes(Registrar registrar, Registry registry, V1Fleet v1Fleet, BundleLimits bundleLimits) {
        this.registrar = registrar;
        this.registry = registry;
        this.v1Fleet = v1Fleet;
        this.bundleLimits = bundleLimits;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.post(routing, "/migrate", this::migrateV1);
    }

    private void migrateV1(ServerRequest req, ServerResponse res) {
        RequestIdentity.of(req).principal(); // credentials that are not valid are refused before the upload is read
        Forms form = Forms.read(req, bundleLimits);
        String platform = Names.platform(form.required("platform"));
        AccessFilter.subject(platform, form.field("tenant_id"));
        RequestIdentity.actFor(req, platform);
        MigrateOptions options = new MigrateOptions(form.flag("force", false), AllowKind.parse(form.list("allow")),
                form.flag("dry_run", false), !form.flag("skip_verification", false));
        Optional<String> tenant = Names.tenant(form.field("tenant_id"));
        byte[] archive = form.archive();
        RequestMeta meta = Responses.meta(req);
        if (tenant.isPresent()) {
            String database = Names.database(platform, tenant);
            DatabaseMigration done = Responses.audited(registry, meta, "migrate", Optional.of(platform), () -> {
                MigrationTarget target = registrar.upload(platform, "tenant", archive, Variant.TENANT,
                        !options.dryRun());
                return registrar.migrator().migrate(database, platform, tenant, target, options, meta);
            }, d -> Optional.of(d.database()));
            Responses.json(res, 200, MigrateBodies.single(database, done.result()));
            return;
        }
        V1Fleet.Result fleet = Responses.audited(registry, meta, "migrate-fleet", Optional.of(platform),
                () -> v1Fleet.migrate(platform, archive, options, meta), r -> Optional.empty());
        Map<String, Object> body = MigrateBodies.fleet(fleet);
        if (fleet.incomplete()) {
            HttpErrors.send(res, MigrateBodies.fleetFailure(fleet, body), meta.requestId());
            return;
        }
        Responses.json(res, 200, body);
    }
}
