package dev.cairn.data;

import dev.cairn.catalog.Catalog;
import dev.cairn.catalog.CatalogCache;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.fleet.DatabaseDirectory;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.Names;
import dev.cairn.fleet.PlatformRoles;
import dev.cairn.pool.Login;
import dev.cairn.pool.PoolManager;
import java.sql.Connection;
import java.sql.SQLException;
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
        long rows;
        try (Connection c = pools.connection(database.name(), login)) {
            rows = Executor.execute(c, query, database.name(), sink);
        } catch (SQLException e) {
            throw new CairnException(Problem.of(ErrorCode.CONNECTION_FAILED, "connection to database "
                    + database.name() + " failed: " + e.getMessage()).with("database", database.name()), e);
        }
        return new Result(t1 - t0, t2 - t1, System.nanoTime() - t2, rows, database.name());
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
