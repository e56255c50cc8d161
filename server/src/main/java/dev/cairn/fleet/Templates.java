package dev.cairn.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.bundle.Bundle;
import dev.cairn.deploy.DeployContext;
import dev.cairn.deploy.DeployResult;
import dev.cairn.deploy.Deployer;
import dev.cairn.deploy.DesiredState;
import dev.cairn.deploy.DesiredStates;
import dev.cairn.bundle.Folder;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import dev.cairn.sql.Checksums;
import dev.cairn.sql.Locks;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Template databases: one per platform and bundle content, built once by a real deploy, then
 * sealed (no connections allowed) so tenants are created with {@code CREATE DATABASE ... TEMPLATE},
 * a file copy instead of a replay of the bundle. Template names start with {@code cairn_tpl_},
 * a prefix no platform may use, so a template can never collide with a platform's database.
 */
final class Templates {

    private static final Logger LOG = LoggerFactory.getLogger(Templates.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PREFIX = "cairn_tpl_";

    /** A sealed template, what building it reported, and the state it holds (the desired side of migrates). */
    record Template(String database, DeployResult summary, DesiredState desired) {
    }

    private final Registry registry;
    private final Provisioner provisioner;
    private final PoolManager pools;
    private final Deployer deployer;
    private final KeyedLocks locks;
    private final java.util.Map<String, Template> ready = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int READY_CACHE_SIZE = 32;

    Templates(Registry registry, Provisioner provisioner, PoolManager pools, Deployer deployer, KeyedLocks locks) {
        this.registry = registry;
        this.provisioner = provisioner;
        this.pools = pools;
        this.deployer = deployer;
        this.locks = locks;
    }

    /** The template's name: content-addressed per platform, always well under 63 bytes. */
    static String name(String platform, String checksum) {
        String key = Checksums.sha256Hex((platform + "\n" + checksum).getBytes(StandardCharsets.UTF_8));
        return PREFIX + key.substring(0, 40);
    }

    /**
     * The template holding this content, built now if there is none. The usual case (it exists)
     * takes no lock; building runs in its own short control transaction holding BUILD_TEMPLATE.
     */
    Template ensure(Bundle bundle, DeployContext ctx, Optional<Login> owner, List<String> superuserExtensions) {
        String database = name(ctx.platform(), ctx.checksum());
        Optional<Template> ready = ready(database);
        if (ready.isPresent()) {
            return ready.get();
        }
        return locks.with("template:" + database, () -> registry.inTransaction(c -> {
            Locks.BUILD_TEMPLATE.acquire(c, database);
            Optional<Template> recorded = Registry.template(c, database).flatMap(t -> usable(database, t));
            if (recorded.isPresent()) {
                return recorded.get();
            }
            Template built = build(database, bundle, ctx, owner, superuserExtensions);
            Registry.ensurePlatform(c, ctx.platform());
            Registry.saveTemplate(c, database, ctx.platform(), ctx.checksum(), write(built.summary()),
                    write(built.desired()));
            remember(built);
            return built;
        }));
    }

    /**
     * Templates are content-addressed and never change once sealed, so what was read once is kept
     * (a fleet migrate asks for the same template for every database). Bounded: a reset when full.
     */
    private Optional<Template> ready(String database) {
        Template known = ready.get(database);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Template> found = registry.template(database).flatMap(t -> usable(database, t));
        found.ifPresent(this::remember);
        return found;
    }

    private void remember(Template template) {
        if (ready.size() >= READY_CACHE_SIZE) {
            ready.clear();
        }
        ready.put(template.database(), template);
    }

    /** A recorded template is usable when its database exists and its desired state was kept (V3 on). */
    private Optional<Template> usable(String database, Registry.TemplateRow row) {
        if (row.desiredJson().isEmpty() || !provisioner.exists(database)) {
            return Optional.empty();
        }
        return Optional.of(new Template(database, read(row.summaryJson(), DeployResult.class),
                read(row.desiredJson().get(), DesiredState.class)));
    }

    private Template build(String database, Bundle bundle, DeployContext ctx, Optional<Login> owner,
                           List<String> superuserExtensions) throws SQLException {
        provisioner.dropLeftoverTemplate(database); // a crash between create and record leaves one
        try (Provisioner.Creation creation = provisioner.create(database, Optional.empty(), owner)) {
            provisioner.installAsCairn(database, superuserExtensions);
            DeployResult result;
            DesiredState desired;
            try (Connection c = pools.unpooled(database, owner)) {
                result = deployer.deployFresh(c, bundle, ctx);
                desired = DesiredStates.read(c, bundle.has(Folder.TABLES));
            }
            creation.sealAsTemplate();
            creation.keep();
            LOG.info("built template {} for platform {} in {} ms", database, ctx.platform(), result.executionTimeMs());
            return new Template(database, result, desired);
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable template summary", e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
