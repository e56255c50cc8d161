package dev.cairn.data;

import dev.cairn.catalog.Catalog;
import dev.cairn.catalog.CatalogCache;
import dev.cairn.codec.FieldValues;
import dev.cairn.entity.DataApiSettings;
import dev.cairn.entity.Entities;
import dev.cairn.entity.Entity;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.DataApiSettingsStore;
import dev.cairn.fleet.DatabaseDirectory;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.PlatformRoles;
import dev.cairn.identity.Principal;
import dev.cairn.policy.Action;
import dev.cairn.policy.DataScope;
import dev.cairn.policy.Policy;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data API's engine, shared by its faces: resolve the target (the tenant's database, or the
 * platform's one database under row tenancy), authorize each entity and action with
 * {@link Policy}, plan with {@link EntityPlanner}, execute. A write runs in one transaction with
 * its idempotency key and its outbox rows; a read under row tenancy runs in one with
 * {@code app.tenant_id} set for row-level security. Only the execute stage holds a connection.
 */
public final class Records {

    private static final Logger LOG = LoggerFactory.getLogger(Records.class);
    private static final Catalog.Key<Map<DataApiSettings, Entities>> ENTITIES = new Catalog.Key<>("entities");
    private static final Catalog.Key<FieldValues> VALUES = new Catalog.Key<>("field values");
    private static final Set<String> STALE = Set.of("42P01", "42703");
    private static final long SWEEP_EVERY_NANOS = 10L * 60 * 1_000_000_000L;
    private static final int SWEEP_BATCH = 1000;

    private final DatabaseDirectory directory;
    private final CatalogCache catalogs;
    private final PoolManager pools;
    private final PlatformRoles roles;
    private final DataApiSettingsStore settings;
    private final Policy policy;
    private final Duration retention;
    private final Set<String> installed = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> swept = new ConcurrentHashMap<>();

    public Records(DatabaseDirectory directory, CatalogCache catalogs, PoolManager pools, PlatformRoles roles,
                   DataApiSettingsStore settings, Policy policy, Duration retention) {
        this.directory = directory;
        this.catalogs = catalogs;
        this.pools = pools;
        this.roles = roles;
        this.settings = settings;
        this.policy = policy;
        this.retention = retention;
    }

    /** How long idempotency keys are kept (published in the API description). */
    public Duration retention() {
        return retention;
    }

    /**
     * Where a request runs: its database, the login, what the platform exposes there, and the tenant.
     */
    public record Target(DatabaseRecord database, Optional<Login> login, Entities entities, FieldValues values,
                         DataScope scope) {

        boolean rowTenancy() {
            return entities.settings().tenancy() == DataApiSettings.Tenancy.ROW;
        }

        EntityPlanner.Scope planning() {
            return new EntityPlanner.Scope(entities, values, scope.tenant());
        }
    }

    /** Resolves the target of a request in {@code scope}: {@code 404} when the tenant's database does not exist. */
    public Target target(DataScope scope) {
        return target(scope, false);
    }

    private Target target(DataScope scope, boolean reload) {
        String platform = Names.platform(scope.platform());
        DataApiSettings platformSettings = settings.get(platform);
        String name = platformSettings.tenancy() == DataApiSettings.Tenancy.ROW
                ? Names.database(platform, Optional.empty())
                : Names.database(platform, Optional.of(Names.tenant(Optional.of(scope.tenant())).orElseThrow()));
        DatabaseRecord database = directory.find(name).filter(r -> r.platform().equals(platform))
                .orElseThrow(() -> new CairnException(Problem.of(ErrorCode.DATABASE_NOT_FOUND,
                        (platformSettings.tenancy() == DataApiSettings.Tenancy.ROW ? "the main database "
                                : "no database for tenant " + scope.tenant() + ": ") + name
                                + " does not exist for platform " + platform).with("database", name)));
        Optional<Login> login = roles.login(platform);
        Catalog catalog = reload ? catalogs.refresh(name, login, database.checksum())
                : catalogs.get(name, login, database.checksum());
        Entities entities = catalog.cache(ENTITIES, ConcurrentHashMap::new)
                .computeIfAbsent(platformSettings, s -> Entities.of(catalog.tables(), s));
        FieldValues values = catalog.cache(VALUES, () -> new FieldValues(catalog.types(), catalog.tables().enumLabels()));
        return new Target(database, login, entities, values, scope);
    }

    // ---- reads ---------------------------------------------------------------------------------------

    /** How long each stage of a request took, for {@code Server-Timing}. */
    public record Stages(long routeNanos, long planNanos, long executeNanos) {
    }

    /** A list, a get or an embedding search, into the face's sink. */
    public Stages read(Supplier<Principal> principal, DataScope scope, Operation op, PageSink sink) {
        long started = System.nanoTime();
        Target target = target(scope);
        Entity entity = authorize(principal, target, op.entity(), verb(op));
        long routed = System.nanoTime();
        try {
            return readOnce(target, entity, op, sink, routed - started);
        } catch (CairnException e) {
            if (!stale(e)) {
                throw e;
            }
            Target fresh = target(scope, true); // a table or column changed outside Cairn: plan again, once
            return readOnce(fresh, fresh.entities().require(op.entity()), op, sink, routed - started);
        }
    }

    private Stages readOnce(Target target, Entity entity, Operation op, PageSink sink, long routeNanos) {
        EntityPlanner.Scope planning = target.planning();
        long started = System.nanoTime();
        Query query;
        RowSink rows;
        Found found = null;
        switch (op) {
            case Operation.ListRows list -> {
                EntityPlanner.ListPlan plan = EntityPlanner.list(entity, list.args(), planning);
                query = plan.query();
                rows = new PageRows(sink, plan);
            }
            case Operation.GetRow get -> {
                query = EntityPlanner.get(entity, get.id(), get.args(), planning);
                found = new Found(sink);
                rows = found;
            }
            case Operation.SearchEmbedding search -> {
                query = EntityPlanner.search(entity, search.body(), planning);
                rows = new SearchRows(sink);
            }
            default -> throw new IllegalArgumentException("not a read: " + op);
        }
        long planned = System.nanoTime();
        run(target, query, rows);
        if (found != null && !found.any) {
            throw notFound(entity, ((Operation.GetRow) op).id());
        }
        return new Stages(routeNanos, planned - started, System.nanoTime() - planned);
    }

    private void run(Target target, Query query, RowSink sink) {
        String name = target.database().name();
        try (Connection c = pools.connection(name, target.login())) {
            if (target.rowTenancy()) {
                Executor.inTransaction(c, name, () -> {
                    tenant(c, target);
                    Executor.execute(c, query, name, sink);
                    return null;
                });
            } else {
                Executor.execute(c, query, name, sink);
            }
        } catch (SQLException e) {
            throw connectionFailed(name, e);
        } catch (CairnException e) {
            throw mapped(e, target);
        }
    }

    // ---- writes --------------------------------------------------------------------------------------

    /** What a write answered, and whether it is a replay of an earlier answer. */
    public record Written(Idempotency.Answer answer, boolean replay) {
    }

    /**
     * A create, update, delete or transaction, in one transaction with its outbox rows and (when
     * given) its idempotency key; {@code 400 idempotency_required} without one where the platform
     * requires it. {@code render} turns each op's rows (JSON objects) into the answer,
     * which is stored with the key before the commit.
     */
    public Written write(Supplier<Principal> principal, DataScope scope, Operation op, Optional<Idempotency.Key> key,
                         Function<List<List<String>>, Idempotency.Answer> render) {
        Target target = target(scope);
        if (key.isEmpty() && target.entities().settings().idempotencyRequired()) {
            throw new CairnException(Problem.of(ErrorCode.IDEMPOTENCY_REQUIRED, "writes need an Idempotency-Key"
                    + " header (a unique value per intended change; a retry sends the same one)")
                    .with("field", "Idempotency-Key"));
        }
        List<Operation> ops = op instanceof Operation.Transact t ? t.ops() : List.of(op);
        if (ops.isEmpty()) {
            throw EntityPlanner.invalidBody("a transaction has at least one op");
        }
        List<Entity> entities = new ArrayList<>();
        for (Operation each : ops) {
            if (op instanceof Operation.Transact) {
                authorize(principal, target, each.entity(), DataApiSettings.Verb.TRANSACT);
            }
            entities.add(authorize(principal, target, each.entity(), verb(each)));
        }
        try {
            return writeOnce(target, ops, entities, key, render);
        } catch (CairnException e) {
            if (!stale(e)) {
                throw e;
            }
            installed.remove(target.database().name());
            Target fresh = target(scope, true);
            List<Entity> again = ops.stream().map(o -> fresh.entities().require(o.entity())).toList();
            return writeOnce(fresh, ops, again, key, render);
        }
    }

    private Written writeOnce(Target target, List<Operation> ops, List<Entity> entities, Optional<Idempotency.Key> key,
                              Function<List<List<String>>, Idempotency.Answer> render) {
        List<Query> queries = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            try {
                queries.add(plan(ops.get(i), entities.get(i), target.planning()));
            } catch (CairnException e) {
                throw ops.size() > 1 ? new CairnException(e.problem().with("op", i), e) : e;
            }
        }
        String name = target.database().name();
        Written written;
        try (Connection c = pools.connection(name, target.login())) {
            install(c, name);
            written = Executor.inTransaction(c, name, () -> {
                if (target.rowTenancy()) {
                    tenant(c, target);
                }
                Optional<Idempotency.Answer> replay = key.isPresent() ? Idempotency.claim(c, key.get()) : Optional.empty();
                if (replay.isPresent()) {
                    return new Written(replay.get(), true);
                }
                List<List<String>> results = new ArrayList<>();
                for (int i = 0; i < queries.size(); i++) {
                    results.add(effect(c, target, queries.get(i), ops.get(i), entities.get(i), ops.size() > 1 ? i : -1));
                }
                Idempotency.Answer answer = render.apply(results);
                if (key.isPresent()) {
                    Idempotency.record(c, key.get(), answer, retention);
                }
                return new Written(answer, false);
            });
        } catch (SQLException e) {
            throw connectionFailed(name, e);
        }
        sweepLater(target);
        return written;
    }

    private static Query plan(Operation op, Entity entity, EntityPlanner.Scope scope) {
        return switch (op) {
            case Operation.CreateRows create -> EntityPlanner.create(entity, create.data(), scope);
            case Operation.UpdateRow update -> EntityPlanner.update(entity, update.id(), update.data(), scope);
            case Operation.DeleteRow delete -> EntityPlanner.delete(entity, delete.id(), scope);
            default -> throw EntityPlanner.invalidBody("a transaction holds create, update and delete ops only");
        };
    }

    /** One op's statement: its rows, or 404 when an update or delete found no row. */
    private static List<String> effect(Connection c, Target target, Query query, Operation op, Entity entity, int index) {
        Collected rows = new Collected();
        try {
            Executor.execute(c, query, target.database().name(), rows);
        } catch (CairnException e) {
            CairnException mapped = mapped(e, target);
            throw index >= 0 ? new CairnException(mapped.problem().with("op", index), e) : mapped;
        }
        if (rows.rows.isEmpty() && !(op instanceof Operation.CreateRows)) {
            String id = op instanceof Operation.UpdateRow u ? u.id() : ((Operation.DeleteRow) op).id();
            CairnException missing = notFound(entity, id);
            throw index >= 0 ? new CairnException(missing.problem().with("op", index)) : missing;
        }
        return rows.rows;
    }

    // ---- shared --------------------------------------------------------------------------------------

    private Entity authorize(Supplier<Principal> principal, Target target, String entityName, DataApiSettings.Verb verb) {
        Entity entity = target.entities().require(entityName);
        policy.authorize(principal, new Action.UseData(target.entities().settings(), entity.name(), verb));
        return entity;
    }

    private static DataApiSettings.Verb verb(Operation op) {
        return switch (op) {
            case Operation.ListRows l -> DataApiSettings.Verb.LIST;
            case Operation.GetRow g -> DataApiSettings.Verb.GET;
            case Operation.SearchEmbedding s -> DataApiSettings.Verb.LIST;
            case Operation.CreateRows c -> DataApiSettings.Verb.CREATE;
            case Operation.UpdateRow u -> DataApiSettings.Verb.UPDATE;
            case Operation.DeleteRow d -> DataApiSettings.Verb.DELETE;
            case Operation.Transact t -> DataApiSettings.Verb.TRANSACT;
        };
    }

    /** {@code app.tenant_id} for this transaction, which row-level security policies read. */
    private static void tenant(Connection c, Target target) {
        Executor.execute(c, new Query("SELECT set_config('app.tenant_id', ?, true)",
                        List.of(Optional.of(target.scope().tenant())), List.of(), Query.Mode.NO_RESULT,
                        new Query.Subject("tenant", target.scope().tenant())),
                target.database().name(), new Collected());
    }

    /** The data API's own tables in this database, created on its first write. */
    private void install(Connection c, String database) throws SQLException {
        if (installed.contains(database)) {
            return;
        }
        if (!Outbox.installed(c)) {
            Executor.inTransaction(c, database, () -> {
                Outbox.install(c);
                return null;
            });
        }
        installed.add(database);
    }

    /** Expired idempotency keys of a written database go in batches, at most every ten minutes, off the request. */
    private void sweepLater(Target target) {
        String name = target.database().name();
        long now = System.nanoTime();
        Long last = swept.putIfAbsent(name, now);
        if (last != null && (now - last < SWEEP_EVERY_NANOS || !swept.replace(name, last, now))) {
            return;
        }
        Thread.ofVirtual().name("cairn-idempotency-sweep").start(() -> {
            try (Connection c = pools.connection(name, target.login())) {
                int deleted;
                do {
                    deleted = Idempotency.sweep(c, SWEEP_BATCH);
                } while (deleted == SWEEP_BATCH);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("idempotency sweep of {} failed: {}", name, e.getMessage());
            }
        });
    }

    private static boolean stale(CairnException e) {
        return e.code() == ErrorCode.QUERY_FAILED && STALE.contains(String.valueOf(e.problem().fields().get("sqlstate")));
    }

    /** PostgreSQL's refusals in the data API's terms, naming the field or constraint. */
    private static CairnException mapped(CairnException e, Target target) {
        if (e.code() != ErrorCode.QUERY_FAILED) {
            return e;
        }
        Map<String, Object> f = e.problem().fields();
        String state = String.valueOf(f.get("sqlstate"));
        String cause = String.valueOf(f.getOrDefault("cause", e.getMessage()));
        Problem p;
        if (state.equals("23505") || state.equals("23503")) {
            p = Problem.of(ErrorCode.CONFLICT, cause).with("constraint", f.get("constraint")).with("detail", f.get("detail"));
        } else if (state.startsWith("22") || state.equals("23502") || state.equals("23514")) {
            p = Problem.of(ErrorCode.VALIDATION_ERROR, cause).with("field", f.get("column"))
                    .with("constraint", f.get("constraint"));
        } else if (state.equals("42501")) {
            p = Problem.of(ErrorCode.FORBIDDEN, cause);
        } else {
            return e;
        }
        return new CairnException(p.with("sqlstate", state).with("database", target.database().name()), e);
    }

    private static CairnException notFound(Entity entity, String id) {
        return new CairnException(Problem.of(ErrorCode.RECORD_NOT_FOUND, entity.name() + " " + id + " not found")
                .with("entity", entity.name()).with("id", id));
    }

    private static CairnException connectionFailed(String database, SQLException e) {
        return new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED, "connection to database " + database
                + " failed: " + e.getMessage()).with("database", database), e);
    }

    // ---- sinks between the executor's rows and the face's page ---------------------------------------

    /** Rows of a write, kept to render the answer. */
    private static final class Collected implements RowSink {
        final List<String> rows = new ArrayList<>();

        @Override
        public void row(String[] values) {
            rows.add(values[0]);
        }

        @Override
        public void end(long rows) {
        }
    }

    /** A list page: drops the look-ahead row, keeps the last row's cursor values, reads the total. */
    private static final class PageRows implements RowSink {
        private final PageSink sink;
        private final EntityPlanner.ListPlan plan;
        private String[] last;
        private int given;
        private boolean more;
        private OptionalLong total = OptionalLong.empty();

        PageRows(PageSink sink, EntityPlanner.ListPlan plan) {
            this.sink = sink;
            this.plan = plan;
        }

        @Override
        public void row(String[] values) throws IOException {
            if (plan.counted()) {
                total = OptionalLong.of(Long.parseLong(values[values.length - 1]));
                if (values[0] == null) {
                    return; // the count's row of an empty page
                }
            }
            if (given == plan.take()) {
                more = true;
                return;
            }
            sink.row(values[0], Optional.empty());
            last = values;
            given++;
        }

        @Override
        public void end(long rows) throws IOException {
            Optional<String> next = Optional.empty();
            if (more && last != null && !plan.order().isEmpty()) {
                List<Optional<String>> values = new ArrayList<>();
                for (int i = 0; i < plan.order().size(); i++) {
                    values.add(Optional.ofNullable(last[1 + i]));
                }
                next = Optional.of(Cursor.encode(values));
            }
            sink.end(next, total);
        }
    }

    /** One row by id: notes whether there was one. */
    private static final class Found implements RowSink {
        private final PageSink sink;
        boolean any;

        Found(PageSink sink) {
            this.sink = sink;
        }

        @Override
        public void row(String[] values) throws IOException {
            any = true;
            sink.row(values[0], Optional.empty());
        }

        @Override
        public void end(long rows) throws IOException {
            if (any) {
                sink.end(Optional.empty(), OptionalLong.empty());
            }
        }
    }

    /** Search hits with their distances. */
    private static final class SearchRows implements RowSink {
        private final PageSink sink;

        SearchRows(PageSink sink) {
            this.sink = sink;
        }

        @Override
        public void row(String[] values) throws IOException {
            sink.row(values[0], Optional.ofNullable(values[1]));
        }

        @Override
        public void end(long rows) throws IOException {
            sink.end(Optional.empty(), OptionalLong.empty());
        }
    }
}
