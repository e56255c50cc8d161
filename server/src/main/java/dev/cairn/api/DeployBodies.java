package dev.cairn.api;

import dev.cairn.deploy.DeployResult;
import dev.cairn.fleet.Registration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The response bodies of deploys, with the field names StoneScript clients read. */
final class DeployBodies {

    private DeployBodies() {
    }

    static Map<String, Object> registration(String status, Registration r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("database", r.database());
        body.put("platform", r.platform());
        r.tenant().ifPresent(t -> body.put("tenant_id", t));
        counts(body, r.result());
        body.put("schema_name", r.version().schemaName());
        body.put("schema_version", r.version().version());
        body.put("checksum", r.checksum());
        body.put("from_template", r.fromTemplate());
        Map<String, Object> bundle = new LinkedHashMap<>();
        r.bundle().subtree().ifPresent(s -> bundle.put("subtree", s));
        bundle.put("files", r.bundle().files().size());
        bundle.put("ignored", r.bundle().ignored());
        body.put("bundle", bundle);
        return body;
    }

    static void counts(Map<String, Object> body, DeployResult result) {
        body.put("extensions_installed", result.extensionsInstalled());
        body.put("types_deployed", result.typesDeployed());
        body.put("tables_created", result.tablesCreated());
        body.put("migrations_applied", result.migrationsApplied());
        body.put("migrations_recorded", result.migrationsRecorded());
        body.put("views_created", result.viewsCreated());
        body.put("functions_deployed", result.functionsDeployed());
        List<Map<String, Object>> seeders = result.seeders().stream().map(s -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("table", s.table());
            row.put("inserted", s.inserted());
            row.put("skipped", s.skipped());
            return row;
        }).toList();
        body.put("seeders", seeders);
        body.put("execution_time_ms", result.executionTimeMs());
    }
}
