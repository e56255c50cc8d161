package dev.cairn.data;

import dev.cairn.catalog.Catalog;
import dev.cairn.catalog.CatalogCache;
import dev.cairn.codec.FieldValues;
import dev.cairn.entity.DataApiSettings;
import dev.cairn.entity.Entities;
import dev.cairn.entity.Entity;
import dev.cairn.identity.Principal;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.DataApiSettingsStore;
import dev.cairn.fleet.DatabaseDirectory;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.PlatformRoles;
import dev.cairn.policy.Action;
import dev.cairn.policy.Policy;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one pipeline every face's {@link Request} runs through, in explicit stages: resolve the
 * target to a database and its catalog → authorize with {@link Policy} → plan one immutable
 * {@link Query} per operation ({@link CallPlanner}, {@link EntityPlanner}) → execute (the only
 * stage that holds a connection) into the face's sink. A data-API write runs in one transaction
 * with its idempotency key and its outbox rows; a data-API read under row tenancy runs in one with
 * {@code app.tenant_id} set for row-level security. A statement that fails because the schema
 * changed outside Cairn is planned again, once, against a fresh catalog.
 */
public final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    private static final Catalog.Key<Map<DataApiSettings, Entities>> ENTITIES = new Catalog.Key<>("entities");
    private static final Catalog.Key<FieldValues> VALUES = new Catalog.Key<>("field values");
    /** Undefined table or column: the data API's statements name a table the catalog no longer matches. */
    private static final Set<String> STALE_TABLE = Set.of("42P01", "42703");
    /** Undefined function: a call names a routine that was dropped or redefined. */
    private static final String STALE_FUNCTION = "42883";
    private static final long SWEEP_EVERY_NANOS = 10L * 60 * 1_000_000_000L;
    private static final int SWEEP_BATCH = 1000;

    private final DatabaseDirectory directory;
    private final CatalogCache catalogs;
    private final PoolManager pools;
    private final PlatformRoles roles;
    private final DataApiSettingsStore settings;
    private final Policy policy;
    private final Duration retention;
    private final WriteListener writes;
    private final Set<String> installed = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> swept = new ConcurrentHashMap<>();

    public Pipeline(DatabaseDirectory directory, CatalogCache catalogs, PoolManager pools, PlatformRoles roles,
                    DataApiSettingsStore settings, Policy policy, Duration retention, WriteListener writes) {
        this.directory = directory;
        this.catalogs = catalogs;
        this.pools = pools;
        this.roles = roles;
        this.settings = settings;
        this.policy = policy;
        this.retention = retention;
        this.writes = writes;
    }

    /** How long idempotency keys are kept (published in the API description). */
    public Duration retention() {
        return retention;
    }

    /** How long each stage took, for {@code Server-Timing}: route includes authorization. */
    public record Stages(long routeNanos, long planNanos, long executeNanos) {
    }

    /**
     * The resolve stage's result: the database a request runs in, the login it runs as, the
     * catalog it is planned against and, for the data API, what the platform exposes there.
     */
    record Route(DatabaseRecord database, Optional<Login> login, Catalog catalog, Optional<Exposure> exposure) {

        String name() {
            return database.name();
        }

        Exposure data() {
            return exposure.orElseThrow(() -> new IllegalStateException("not a data-API route: " + database.name()));
        }

        boolean rowTenancy() {
            return exposure.filter(e -> e.entities().settings().tenancy() == DataApiSettings.Tenancy.ROW).isPresent();
        }
    }

    /** The platform's entities in a database under its data-API settings, and the request's tenant. */
    record Exposure(Entities entities, FieldValues values, String tenant) {
        EntityPlanner.Scope planning() {
            return new EntityPlanner.Scope(entities, values, tenant);
        }
    }

    /** The entities a data-API target exposes, whatever a token's roles allow (for the API description). */
    public Entities exposed(Target target) {
        return resolve(target, false, true).data().entities();
    }

    /**
     * What a data face builds its schema from: the platform's entities under its settings and the
     * database's catalog (its functions), with what they depend on: the platform, the content
     * checksum of the schema (equal for every tenant on one schema version) and the settings.
     */
    public record Surface(String platform, String checksum, Entities entities, Catalog catalog) {
    }

    /** The surface a data-API target exposes, whatever a token's roles allow. */
    public Surface surface(Target target) {
        Route route = resolve(target, false, true);
        return new Surface(route.database().platform(), route.database().checksum(), route.data().entities(),
                route.catalog());
    }

    /**
     * A platform without a database: its settings and nothing to read or write, for a request that
     * names no tenant (GraphQL serves such a request its platform-wide fields only, the playbooks).
     */
    public Surface platformSurface(String platform) {
        dev.cairn.catalog.Tables none = new dev.cairn.catalog.Tables(Map.of(), Map.of());
        return new Surface(platform, "", Entities.of(none, settings.get(platform)), new Catalog("", Map.of(),
                new dev.cairn.catalog.Types(Map.of(), Map.of()), none));
    }

    // ---- resolve -------------------------------------------------------------------------------------

    private Route resolve(Request request, boolean reload) {
        return resolve(request.target(), reload, !(request.operation() instanceof Operation.Call));
    }

    /**
     * The database a target names, if it exists and belongs to the platform that asks for it. The
     * data API applies the platform's tenancy: its tenant's database, or the main one under row
     * tenancy; a call names its database directly.
     */
    private Route resolve(Target target, boolean reload, boolean data) {
        String platform = Names.platform(target.platform());
        Optional<DataApiSettings> exposure = data ? Optional.of(settings.get(platform)) : Optional.empty();
        boolean row = exposure.filter(s -> s.tenancy() == DataApiSettings.Tenancy.ROW).isPresent();
        String name = switch (target) {
            case Target.Tenant t when row -> Names.database(platform, Optional.empty());
            case Target.Tenant t when data -> Names.database(platform, Optional.of(tenant(t)));
            case Target.Tenant t -> Names.database(platform, Names.tenant(t.tenant()));
            case Target.SchemaDatabase s -> Names.database(platform, Names.schema(s.schemaName()),
                    s.uuid().filter(u -> !u.isBlank()).map(Names::databaseId));
        };
        DatabaseRecord database = directory.find(name).filter(r -> r.platform().equals(platform))
                .orElseThrow(() -> notFound(target, name, platform, row, data));
        if (database.suspended()) {
            throw new CairnException(Problem.of(ErrorCode.DATABASE_SUSPENDED, "database " + name + " is suspended"
                    + " (since " + database.suspendedAt().orElseThrow() + "); an operator resumes it with POST"
                    + " /admin/databases/" + name + "/resume").with("database", name));
        }
        Optional<Login> login = roles.login(platform);
        Catalog catalog = reload ? catalogs.refresh(name, login, database.checksum())
                : catalogs.get(name, login, database.checksum());
        return new Route(database, login, catalog, exposure.map(s -> new Exposure(
                catalog.cache(ENTITIES, ConcurrentHashMap::new)
                        .computeIfAbsent(s, k -> Entities.of(catalog.tables(), k)),
                catalog.cache(VALUES, () -> new FieldValues(catalog.types(), catalog.tables().enumLabels())),
                ((Target.Tenant) target).tenant().orElseThrow())));
    }

    /** Built only when it is thrown: the message names what the request asked for. */
    private static CairnException notFound(Target target, String name, String platform, boolean row, boolean data) {
        String what = row ? "the main database " : target instanceof Target.Tenant t && data
                ? "no database for tenant " + t.tenant().orElseThrow() + ": " : "database ";
        return new CairnException(Problem.of(ErrorCode.DATABASE_NOT_FOUND,
                what + name + " does not exist for platform " + platform).with("database", name));
    }

    /** The data API's tenant, as a database name part. */
    private static String tenant(Target.Tenant target) {
        return Names.tenant(target.tenant()).orElseThrow(() -> new CairnException(Problem.of(ErrorCode.TENANT_REQUIRED,
                "the data API needs the tenant: send the x-tenant-id header").with("field", "x-tenant-id")));
    }

    // ---- authorize -----------------------------------------------------------------------------------

    /**
     * Asks the policy for each entity and action (a transaction's ops each as themselves and as a
     * transaction); the entity of each op, empty for a function.
     */
    private List<Optional<Entity>> authorize(Request request, Route route) {
        return switch (request.operation()) {
            case Operation.Call call -> {
                authorizeCall(request, route);
                yield List.of(Optional.empty());
            }
            case Operation.DataCall call -> {
                authorizeCall(request, route);
                yield List.of(Optional.empty());
            }
            case Operation.Transact transact -> {
                if (transact.ops().isEmpty()) {
                    throw EntityPlanner.invalidBody("a transaction has at least one op");
                }
                List<Optional<Entity>> entities = new ArrayList<>();
                for (Operation op : transact.ops()) {
                    switch (op) {
                        case Operation.Write write -> {
                            authorize(request, route, write.entity(), DataApiSettings.Verb.TRANSACT);
                            entities.add(Optional.of(authorize(request, route, write.entity(), verb(write))));
                        }
                        case Operation.DataCall call -> {
                            authorizeCall(request, route);
                            entities.add(Optional.empty());
                        }
                        default -> throw EntityPlanner.invalidBody("a transaction holds create, update and delete ops only");
                    }
                }
                yield entities;
            }
            case Operation.OnEntity op -> List.of(Optional.of(authorize(request, route, op.entity(), verb(op))));
        };
    }

    /** A function: whoever may call the database's functions ({@code /call}'s rule). */
    private void authorizeCall(Request request, Route route) {
        policy.authorize(request.principal(), new Action.CallFunction(route.database().platform(),
                switch (request.target()) {
                    case Target.Tenant t -> Names.tenant(t.tenant());
                    case Target.SchemaDatabase s -> Optional.<String>empty();
                }));
    }

    /**
     * Who may watch an entity's events: whoever may list its rows, under the same settings and
     * tenancy as the data API. The entity's name as the API (and the outbox) spells it.
     */
    public String authorizeEvents(Principal principal, Target target, String entityName) {
        Route route = resolve(target, false, true);
        Entities entities = route.data().entities();
        Entity entity = entities.require(entityName);
        policy.authorize(() -> principal, new Action.UseData(entities.settings(), entity.name(), DataApiSettings.Verb.LIST));
        return entity.name();
    }

    /** The stream sequence of an event of the target's database, to resume after it; empty when unknown. */
    public java.util.OptionalLong eventSequence(Target target, java.util.UUID event) {
        Route route = resolve(target, false, true);
        try (Connection c = pools.connection(route.name(), route.login())) {
            return Outbox.sequenceOf(c, event);
        } catch (SQLException e) {
            throw connectionFailed(route.name(), e);
        }
    }

    private Entity authorize(Request request, Route route, String entityName, DataApiSettings.Verb verb) {
        Entities entities = route.data().entities();
        Entity entity = entities.require(entityName);
        policy.authorize(request.principal(), new Action.UseData(entities.settings(), entity.name(), verb));
        return entity;
    }

    private static DataApiSettings.Verb verb(Operation.OnEntity op) {
        return switch (op) {
            case Operation.ListRows l -> DataApiSettings.Verb.LIST;
            case Operation.GetRow g -> DataApiSettings.Verb.GET;
            case Operation.SearchEmbedding s -> DataApiSettings.Verb.LIST;
            case Operation.CreateRows c -> DataApiSettings.Verb.CREATE;
            case Operation.UpdateRow u -> DataApiSettings.Verb.UPDATE;
            case Operation.DeleteRow d -> DataApiSettings.Verb.DELETE;
        };
    }

    // ---- calls ---------------------------------------------------------------------------------------

    /** {@code /call} (or a GraphQL function field): a stored function into the face's sink, streamed as it comes. */
    public Stages call(Request request, RowSink sink) {
        Operation.Call call = switch (request.operation()) {
            case Operation.Call c -> c;
            case Operation.DataCall d -> new Operation.Call(d.function(), d.params());
            default -> throw new IllegalArgumentException("not a call: " + request.operation());
        };
        long started = System.nanoTime();
        Route route = resolve(request, false);
        authorize(request, route);
        long routed = System.nanoTime();
        Query query;
        try {
            query = CallPlanner.plan(route.catalog(), call.function(), call.params());
        } catch (CairnException e) {
            if (e.code() != ErrorCode.FUNCTION_NOT_FOUND) {
                throw e;
            }
            route = resolve(request, true); // a routine the cached catalog does not know: one (throttled) reload
            query = CallPlanner.plan(route.catalog(), call.function(), call.params());
        }
        long planned = System.nanoTime();
        Sinks.Started rows = new Sinks.Started(sink);
        try {
            run(route, query, rows);
        } catch (CairnException e) {
            if (rows.begun || !stale(call, e)) {
                throw e;
            }
            Planned again = replanned(request, call, query).orElseThrow(() -> e);
            run(again, rows);
            query = again.query();
        }
        if (query.mayWrite()) {
            writes.called(route.name());
        }
        return new Stages(routed - started, planned - routed, System.nanoTime() - planned);
    }

    /**
     * The function the catalog named is gone: dropped or redefined outside Cairn (by hand, or by
     * another instance's migrate this one has not heard of yet). A fresh catalog that plans other
     * SQL is worth one more try; the failed statement changed nothing and no row reached the face.
     */
    private Optional<Planned> replanned(Request request, Operation.Call call, Query failed) {
        Route fresh = resolve(request, true);
        try {
            Query query = CallPlanner.plan(fresh.catalog(), call.function(), call.params());
            return query.sql().equals(failed.sql()) ? Optional.empty() : Optional.of(new Planned(fresh, query));
        } catch (CairnException e) {
            return Optional.empty(); // the first error says more than a planning error about a changed catalog
        }
    }

    private record Planned(Route route, Query query) {
    }

    private void run(Planned planned, RowSink sink) {
        run(planned.route(), planned.query(), sink);
    }

    // ---- data-API reads ------------------------------------------------------------------------------

    /** A list, a get or an embedding search, into the face's page. */
    public Stages read(Request request, PageSink sink) {
        long started = System.nanoTime();
        Route route = resolve(request, false);
        Entity entity = authorize(request, route).getFirst().orElseThrow();
        long routed = System.nanoTime();
        try {
            return readOnce(route, entity, (Operation.OnEntity) request.operation(), sink, routed - started);
        } catch (CairnException e) {
            if (!stale(request.operation(), e)) {
                throw e;
            }
            Route fresh = resolve(request, true); // a table or column changed outside Cairn: plan again, once
            Operation.OnEntity op = (Operation.OnEntity) request.operation();
            return readOnce(fresh, fresh.data().entities().require(op.entity()), op, sink, routed - started);
        }
    }

    private Stages readOnce(Route route, Entity entity, Operation.OnEntity op, PageSink sink, long routeNanos) {
        EntityPlanner.Scope planning = route.data().planning();
        long started = System.nanoTime();
        Query query;
        RowSink rows;
        Optional<Sinks.Found> found = Optional.empty();
        switch (op) {
            case Operation.ListRows list -> {
                EntityPlanner.ListPlan plan = EntityPlanner.list(entity, list.args(), planning);
                query = plan.query();
                rows = new Sinks.PageRows(sink, plan);
            }
            case Operation.GetRow get -> {
                query = EntityPlanner.get(entity, get.id(), get.args(), planning);
                found = Optional.of(new Sinks.Found(sink));
                rows = found.get();
            }
            case Operation.SearchEmbedding search -> {
                query = EntityPlanner.search(entity, search.body(), planning);
                rows = new Sinks.SearchRows(sink);
            }
            default -> throw new IllegalArgumentException("not a read: " + op);
        }
        long planned = System.nanoTime();
        run(route, query, rows);
        if (found.isPresent() && !found.get().any) {
            throw notFound(entity, ((Operation.GetRow) op).id());
        }
        return new Stages(routeNanos, planned - started, System.nanoTime() - planned);
    }

    // ---- data-API writes -----------------------------------------------------------------------------

    /** What a write answered, and whether it is a replay of an earlier answer. */
    public record Written(Idempotency.Answer answer, boolean replay) {
    }

    /**
     * A create, update, delete or transaction, in one transaction with its outbox rows and (when
     * given) its idempotency key; {@code 400 idempotency_required} without one where the platform
     * requires it. {@code render} turns each op's rows (JSON objects) into the answer, which is
     * stored with the key before the commit.
     */
    public Written write(Request request, Optional<Idempotency.Key> key,
                         Function<List<List<String>>, Idempotency.Answer> render) {
        Route route = resolve(request, false);
        if (key.isEmpty() && route.data().entities().settings().idempotencyRequired()) {
            throw new CairnException(Problem.of(ErrorCode.IDEMPOTENCY_REQUIRED, "writes need an Idempotency-Key"
                    + " header (a unique value per intended change; a retry sends the same one)")
                    .with("field", "Idempotency-Key"));
        }
        List<Operation> ops = switch (request.operation()) {
            case Operation.Transact t -> t.ops();
            case Operation.Write op -> List.of(op);
            case Operation.DataCall call -> List.of(call);
            default -> throw new IllegalArgumentException("not a write: " + request.operation());
        };
        List<Optional<Entity>> entities = authorize(request, route);
        try {
            return writeOnce(route, ops, entities, key, render);
        } catch (CairnException e) {
            if (!stale(request.operation(), e)) {
                throw e;
            }
            installed.remove(route.name());
            Route fresh = resolve(request, true);
            List<Optional<Entity>> again = ops.stream().map(o -> o instanceof Operation.Write w
                    ? Optional.of(fresh.data().entities().require(w.entity())) : Optional.<Entity>empty()).toList();
            return writeOnce(fresh, ops, again, key, render);
        }
    }

    private Written writeOnce(Route route, List<Operation> ops, List<Optional<Entity>> entities,
                              Optional<Idempotency.Key> key, Function<List<List<String>>, Idempotency.Answer> render) {
        List<Query> queries = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            try {
                queries.add(plan(ops.get(i), entities.get(i), route));
            } catch (CairnException e) {
                throw ops.size() > 1 ? new CairnException(e.problem().with("op", i), e) : e;
            }
        }
        String name = route.name();
        Written written;
        try (Connection c = pools.connection(name, route.login())) {
            install(c, name);
            written = Executor.inTransaction(c, name, () -> {
                if (route.rowTenancy()) {
                    tenant(c, route);
                }
                Optional<Idempotency.Answer> replay = key.isPresent() ? Idempotency.claim(c, key.get())
                        : Optional.empty();
                if (replay.isPresent()) {
                    return new Written(replay.get(), true);
                }
                List<List<String>> results = new ArrayList<>();
                for (int i = 0; i < queries.size(); i++) {
                    results.add(effect(c, route, queries.get(i), ops.get(i), entities.get(i), ops.size() > 1 ? i : -1));
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
        if (!written.replay()) {
            writes.written(name);
        }
        sweepLater(route);
        return written;
    }

    /**
     * A write's statement, or a function's: inside the transaction a function's set is read in one
     * round trip (a cursor would commit by itself).
     */
    private static Query plan(Operation op, Optional<Entity> target, Route route) {
        EntityPlanner.Scope scope = route.data().planning();
        return switch (op) {
            case Operation.CreateRows create -> EntityPlanner.create(target.orElseThrow(), create.data(), create.returning(),
                    scope);
            case Operation.UpdateRow update -> EntityPlanner.update(target.orElseThrow(), update.id(), update.data(),
                    update.returning(), scope);
            case Operation.DeleteRow delete -> EntityPlanner.delete(target.orElseThrow(), delete.id(), delete.returning(),
                    scope);
            case Operation.DataCall call -> {
                Query q = CallPlanner.plan(route.catalog(), call.function(), call.params());
                yield q.mode() == Query.Mode.WRITE_SET || q.mode() == Query.Mode.READ_SET
                        ? new Query(q.sql(), q.parameters(), q.writers(), Query.Mode.SINGLE, q.subject(), q.mayWrite()) : q;
            }
            default -> throw EntityPlanner.invalidBody("a transaction holds create, update and delete ops only");
        };
    }

    /**
     * One op's statement: its rows (JSON objects; a function's rows as objects of its columns), or
     * 404 when an update or delete found no row.
     */
    private static List<String> effect(Connection c, Route route, Query query, Operation op, Optional<Entity> entity,
                                       int index) {
        Sinks.Collected collected = new Sinks.Collected();
        JsonRows called = new JsonRows();
        try {
            Executor.execute(c, query, route.name(), op instanceof Operation.DataCall ? called : collected);
        } catch (CairnException e) {
            CairnException mapped = mapped(e, route);
            throw index >= 0 ? new CairnException(mapped.problem().with("op", index), e) : mapped;
        }
        List<String> rows = op instanceof Operation.DataCall ? called.rows() : collected.rows;
        if (rows.isEmpty() && (op instanceof Operation.UpdateRow || op instanceof Operation.DeleteRow)) {
            String id = op instanceof Operation.UpdateRow u ? u.id() : ((Operation.DeleteRow) op).id();
            CairnException missing = notFound(entity.orElseThrow(), id);
            throw index >= 0 ? new CairnException(missing.problem().with("op", index)) : missing;
        }
        return rows;
    }

    // ---- execute -------------------------------------------------------------------------------------

    /** One statement on a connection of the route's pool: the only place a read or a call holds one. */
    private void run(Route route, Query query, RowSink sink) {
        String name = route.name();
        try (Connection c = pools.connection(name, route.login())) {
            if (route.rowTenancy()) {
                Executor.inTransaction(c, name, () -> {
                    tenant(c, route);
                    Executor.execute(c, query, name, sink);
                    return null;
                });
            } else {
                Executor.execute(c, query, name, sink);
            }
        } catch (SQLException e) {
            throw connectionFailed(name, e);
        } catch (CairnException e) {
            throw route.exposure().isPresent() ? mapped(e, route) : e;
        }
    }

    /** {@code app.tenant_id} for this transaction, which row-level security policies read. */
    private static void tenant(Connection c, Route route) {
        String tenant = route.data().tenant();
        Executor.execute(c, new Query("SELECT set_config('app.tenant_id', ?, true)", List.of(Optional.of(tenant)),
                        List.of(), Query.Mode.NO_RESULT, new Query.Subject("tenant", tenant)),
                route.name(), new Sinks.Collected());
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
    private void sweepLater(Route route) {
        String name = route.name();
        long now = System.nanoTime();
        Long last = swept.putIfAbsent(name, now);
        if (last != null && (now - last < SWEEP_EVERY_NANOS || !swept.replace(name, last, now))) {
            return;
        }
        Thread.ofVirtual().name("cairn-idempotency-sweep").start(() -> {
            try (Connection c = pools.connection(name, route.login())) {
                int deleted;
                do {
                    deleted = Idempotency.sweep(c, SWEEP_BATCH);
                } while (deleted == SWEEP_BATCH);
            } catch (SQLException | RuntimeException e) {
                LOG.debug("idempotency sweep of {} failed: {}", name, e.getMessage());
            }
        });
    }

    // ---- errors --------------------------------------------------------------------------------------

    /** Whether a statement failed because the catalog it was planned against no longer matches the database. */
    private static boolean stale(Operation op, CairnException e) {
        if (e.code() != ErrorCode.QUERY_FAILED) {
            return false;
        }
        String state = String.valueOf(e.problem().fields().get("sqlstate"));
        return op instanceof Operation.Call || op instanceof Operation.DataCall ? STALE_FUNCTION.equals(state)
                : STALE_TABLE.contains(state);
    }

    /** PostgreSQL's refusals in the data API's terms, naming the field or constraint. */
    private static CairnException mapped(CairnException e, Route route) {
        if (e.code() != ErrorCode.QUERY_FAILED) {
            return e;
        }
        Map<String, Object> f = e.problem().fields();
        String state = String.valueOf(f.get("sqlstate"));
        String cause = String.valueOf(f.getOrDefault("cause", e.getMessage()));
        Problem p;
        if (state.equals("23505") || state.equals("23503")) {
            p = Problem.of(ErrorCode.CONFLICT, cause).with("constraint", f.get("constraint"))
                    .with("detail", f.get("detail"));
        } else if (state.startsWith("22") || state.equals("23502") || state.equals("23514")) {
            p = Problem.of(ErrorCode.VALIDATION_ERROR, cause).with("field", f.get("column"))
                    .with("constraint", f.get("constraint"));
        } else if (state.equals("42501")) {
            p = Problem.of(ErrorCode.FORBIDDEN, cause);
        } else {
            return e;
        }
        return new CairnException(p.with("sqlstate", state).with("database", route.name()), e);
    }

    private static CairnException notFound(Entity entity, String id) {
        return new CairnException(Problem.of(ErrorCode.RECORD_NOT_FOUND, entity.name() + " " + id + " not found")
                .with("entity", entity.name()).with("id", id));
    }

    private static CairnException connectionFailed(String database, SQLException e) {
        return new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED, "connection to database " + database
                + " failed: " + e.getMessage()).with("database", database), e);
    }
}
