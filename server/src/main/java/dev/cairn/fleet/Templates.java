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
 *
 * <p>A migrate needs what the target content looks like once deployed (its {@link DesiredState}),
 * but only a migrate that really changes a database may leave a template behind: one that is
 * blocked, fails or is a dry run must not. So a migrate {@link #prepare prepares} the template (a
 * recorded one, or a build that is not recorded yet) and {@link #settle settles} it afterwards:
 * recorded when the migrate went through, dropped otherwise. Desired states are content-addressed
 * and immutable, so the ones read are also kept in memory: a fleet dry run builds once, not once
 * per database.
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
    private final java.util.Map<String, DesiredState> known = new java.util.concurrent.ConcurrentHashMap<>();
    /** Built by this process and not recorded yet: what {@link #settle} records (its build summary too). */
    private final java.util.Map<String, Template> pendingBuilds = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int READY_CACHE_SIZE = 32;

    /** How a migrate got its desired state. */
    enum Source {
        /** from a recorded template: nothing to settle */
        RECORDED,
        /** built for this migrate, sealed but not recorded: recorded or dropped when settled */
        BUILT,
        /** known from an earlier build that was dropped: built again only if the migrate goes through */
        KNOWN
    }

    /** A migrate's template, until it is settled; holds what building it again would need. */
    record Prepared(String database, DesiredState desired, Source source, Bundle bundle, DeployContext ctx,
                    Optional<Login> owner, List<String> superuserExtensions) {
    }

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
        return locks.with("template:" + database, () -> registry.inTransaction(c ->
                recordLocked(c, database, bundle, ctx, owner, superuserExtensions)));
    }

    /**
     * Under the template's locks: the recorded template; else one this process built for a migrate
     * and has not recorded yet (if it is still there, sealed); else a new build. Recorded.
     */
    private Template recordLocked(Connection c, String database, Bundle bundle, DeployContext ctx,
                                  Optional<Login> owner, List<String> superuserExtensions) throws SQLException {
        Locks.BUILD_TEMPLATE.acquire(c, database);
        Optional<Template> recorded = Registry.template(c, database).flatMap(t -> usable(database, t));
        if (recorded.isPresent()) {
            pendingBuilds.remove(database);
            remember(recorded.get());
            return recorded.get();
        }
        Template pending = pendingBuilds.remove(database);
        Template template = pending != null && provisioner.isSealedTemplate(database) ? pending
                : build(database, bundle, ctx, owner, superuserExtensions);
        pendingBuilds.remove(database);
        Registry.ensurePlatform(c, ctx.platform());
        Registry.saveTemplate(c, database, ctx.platform(), ctx.checksum(), write(template.summary()),
                write(template.desired()));
        remember(template);
        return template;
    }

    /**
     * The desired state of this content for a migrate, from the recorded template, from memory, or
     * from a template built now and recorded only once {@link #settle} says the migrate went through.
     */
    Prepared prepare(Bundle bundle, DeployContext ctx, Optional<Login> owner, List<String> superuserExtensions) {
        String database = name(ctx.platform(), ctx.checksum());
        Optional<Template> ready = ready(database);
        if (ready.isPresent()) {
            return prepared(database, ready.get().desired(), Source.RECORDED, bundle, ctx, owner, superuserExtensions);
        }
        return locks.with("template:" + database, () -> registry.inTransaction(c -> {
            Locks.BUILD_TEMPLATE.acquire(c, database);
            Optional<Template> recorded = Registry.template(c, database).flatMap(t -> usable(database, t));
            if (recorded.isPresent()) {
                remember(recorded.get());
                return prepared(database, recorded.get().desired(), Source.RECORDED, bundle, ctx, owner,
                        superuserExtensions);
            }
            if (pendingBuilds.containsKey(database)) { // another migrate built it and has not settled yet
                return prepared(database, pendingBuilds.get(database).desired(), Source.BUILT, bundle, ctx, owner,
                        superuserExtensions);
            }
            DesiredState desired = known.get(database);
            if (desired != null) {
                return prepared(database, desired, Source.KNOWN, bundle, ctx, owner, superuserExtensions);
            }
            Template built = build(database, bundle, ctx, owner, superuserExtensions);
            return prepared(database, built.desired(), Source.BUILT, bundle, ctx, owner, superuserExtensions);
        }));
    }

    /**
     * After the migrate: a template built for it is recorded when {@code keep} (the migrate changed
     * or confirmed a database), else dropped; one only known is built now if kept. Never throws: a
     * template is a cache of the content, and the migrate's own outcome stands either way.
     */
    void settle(Prepared prepared, boolean keep) {
        try {
            if (prepared.source() == Source.RECORDED || (!keep && prepared.source() == Source.KNOWN)) {
                return;
            }
            if (keep) {
                record(prepared);
            } else {
                discard(prepared.database());
            }
        } catch (RuntimeException e) {
            LOG.warn("template {} of platform {} could not be {}; the next use builds it again", prepared.database(),
                    prepared.ctx().platform(), keep ? "kept" : "dropped", e);
        }
    }

    private void record(Prepared p) {
        locks.with("template:" + p.database(), () -> registry.inTransaction(c ->
                recordLocked(c, p.database(), p.bundle(), p.ctx(), p.owner(), p.superuserExtensions())));
    }

    private void discard(String database) {
        locks.with("template:" + database, () -> registry.inTransaction(c -> {
            Locks.BUILD_TEMPLATE.acquire(c, database);
            if (Registry.template(c, database).isEmpty()) {
                pendingBuilds.remove(database);
                provisioner.dropLeftover(database);
            }
            return null;
        }));
    }

    private Prepared prepared(String database, DesiredState desired, Source source, Bundle bundle, DeployContext ctx,
                              Optional<Login> owner, List<String> superuserExtensions) {
        return new Prepared(database, desired, source, bundle, ctx, owner, List.copyOf(superuserExtensions));
    }

    /**
     * Drops the template databases of content that no database holds and that is no schema's
     * latest version: each content version would otherwise leave a database behind for good. Their
     * records (and desired states) stay, so a template needed again is simply built again. Checked
     * again under the template's locks, so a template being built or recorded meanwhile is kept.
     */
    List<String> dropUnused() {
        List<String> dropped = new java.util.ArrayList<>();
        for (String database : registry.inTransaction(Registry::unusedTemplates)) {
            locks.with("template:" + database, () -> registry.inTransaction(c -> {
                Locks.BUILD_TEMPLATE.acquire(c, database);
                if (Registry.unusedTemplates(c).contains(database) && provisioner.exists(database)) {
                    ready.remove(database);
                    pendingBuilds.remove(database);
                    provisioner.dropLeftover(database);
                    dropped.add(database);
                    LOG.info("dropped template {}: no database holds its content and it is no schema's latest", database);
                }
                return null;
            }));
        }
        return dropped;
    }

    private Optional<Template> ready(String database) {
        Template known = ready.get(database);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<Template> found = registry.template(database).flatMap(t -> usable(database, t));
        found.ifPresent(this::remember);
        return found;
    }

    /**
     * Templates are content-addressed and never change once sealed, so what was read once is kept
     * (a fleet migrate asks for the same template for every database). Bounded: a reset when full.
     */
    private void remember(Template template) {
        if (ready.size() >= READY_CACHE_SIZE) {
            ready.clear();
        }
        ready.put(template.database(), template);
        rememberDesired(template);
    }

    private void rememberDesired(Template template) {
        if (known.size() >= READY_CACHE_SIZE) {
            known.clear();
        }
        known.put(template.database(), template.desired());
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
        provisioner.dropLeftover(database); // a crash between create and record leaves one
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
            Template template = new Template(database, result, desired);
            rememberDesired(template);
            pendingBuilds.put(database, template);
            return template;
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
