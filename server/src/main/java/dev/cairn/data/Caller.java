package dev.cairn.data;

import dev.cairn.catalog.Catalog;
import dev.cairn.catalog.CatalogCache;
import dev.cairn.codec.ValueWriters;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.DatabaseDirectory;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.PlatformRoles;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * {@code /call}: route to the database, plan against its catalog, execute into the face's
 * {@link RowSink}. Each stage is timed for the {@code Server-Timing} header; only the execute
 * stage holds a connection.
 */
public final class Caller {

    /** What a call did: nanoseconds per stage, rows returned, and which database answered. */
    public record Result(long routeNanos, long planNanos, long executeNanos, long rows, String database) {
    }

    private final DatabaseDirectory directory;
    private final CatalogCache catalogs;
    private final PoolManager pools;
    private final PlatformRoles roles;

    public Caller(DatabaseDirectory directory, CatalogCache catalogs, PoolManager pools, PlatformRoles roles) {
        this.directory = directory;
        this.catalogs = catalogs;
        this.pools = pools;
        this.roles = roles;
    }

    public Result call(CallRequest request, RowSink sink) {
        long t0 = System.nanoTime();
        DatabaseRecord database = route(request);
        Optional<Login> login = roles.login(database.platform());
        long t1 = System.nanoTime();
        Query query = plan(database, login, request);
        long t2 = System.nanoTime();
        StartedSink started = new StartedSink(sink);
        long rows;
        try {
            rows = execute(database, login, query, started);
        } catch (CairnException e) {
            Optional<Query> replanned = started.begun || !undefinedFunction(e) ? Optional.empty()
                    : replan(database, login, request, query);
            rows = execute(database, login, replanned.orElseThrow(() -> e), started);
        }
        return new Result(t1 - t0, t2 - t1, System.nanoTime() - t2, rows, database.name());
    }

    private long execute(DatabaseRecord database, Optional<Login> login, Query query, RowSink sink) {
        try (Connection c = pools.connection(database.name(), login)) {
            return Executor.execute(c, query, database.name(), sink);
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED, "connection to database "
                    + database.name() + " failed: " + e.getMessage()).with("database", database.name()), e);
        }
    }

    private static boolean undefinedFunction(CairnException e) {
        return e.code() == ErrorCode.QUERY_FAILED && "42883".equals(e.problem().fields().get("sqlstate"));
    }

    /**
     * The function the catalog named is gone: it was dropped or redefined outside Cairn (by hand,
     * or by another instance's migrate this one has not heard of yet). A fresh catalog that plans
     * other SQL is worth one more try; the failed statement changed nothing, and no row reached the
     * face yet. The same SQL again would only fail again.
     */
    private Optional<Query> replan(DatabaseRecord database, Optional<Login> login, CallRequest request, Query failed) {
        Catalog reloaded = catalogs.refresh(database.name(), login, database.checksum());
        try {
            Query query = CallPlanner.plan(reloaded, request.function(), request.params());
            return query.sql().equals(failed.sql()) ? Optional.empty() : Optional.of(query);
        } catch (CairnException e) {
            return Optional.empty(); // the first error says more than a planning error about a changed catalog
        }
    }

    /** The face's sink, noting whether any of the answer reached it (then a call is never run again). */
    private static final class StartedSink implements RowSink {
        private final RowSink sink;
        private boolean begun;

        StartedSink(RowSink sink) {
            this.sink = sink;
        }

        @Override
        public void begin(List<String> columns, List<ValueWriters.ValueWriter> writers, long startedNanos)
                throws IOException {
            begun = true;
            sink.begin(columns, writers, startedNanos);
        }

        @Override
        public void row(String[] values) throws IOException {
            sink.row(values);
        }

        @Override
        public void end(long rows) throws IOException {
            sink.end(rows);
        }
    }

    /** The database a request names, if it exists and belongs to the platform that asks for it. */
    private DatabaseRecord route(CallRequest request) {
        String platform = Names.platform(request.platform());
        String name = switch (request.target()) {
            case CallRequest.Tenant t -> Names.database(platform, Names.tenant(t.tenantId()));
            case CallRequest.SchemaDatabase s -> Names.database(platform, Names.schema(s.schemaName()),
                    s.uuid().filter(u -> !u.isBlank()).map(Names::databaseId));
        };
        return directory.find(name)
                .filter(record -> record.platform().equals(platform))
                .orElseThrow(() -> new CairnException(Problem.of(ErrorCode.DATABASE_NOT_FOUND,
                        "database " + name + " does not exist for platform " + platform).with("database", name)));
    }

    /** Plans against the cached catalog; a routine it does not know triggers one (throttled) reload. */
    private Query plan(DatabaseRecord database, Optional<Login> login, CallRequest request) {
        Catalog catalog = catalogs.get(database.name(), login, database.checksum());
        try {
            return CallPlanner.plan(catalog, request.function(), request.params());
        } catch (CairnException e) {
            if (e.code() != ErrorCode.FUNCTION_NOT_FOUND) {
                throw e;
            }
            Catalog reloaded = catalogs.refresh(database.name(), login, database.checksum());
            return CallPlanner.plan(reloaded, request.function(), request.params());
        }
    }
}
