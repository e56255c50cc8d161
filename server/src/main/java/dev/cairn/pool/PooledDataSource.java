package dev.cairn.pool;

import java.sql.Connection;
import java.sql.SQLException;

/** A {@link javax.sql.DataSource} view of one database's pool, for libraries that want one (Flyway). */
final class PooledDataSource extends ConfiguredDataSource {

    private final PoolManager pools;
    private final String database;

    PooledDataSource(PoolManager pools, String database) {
        this.pools = pools;
        this.database = database;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return pools.connection(database);
        } catch (dev.cairn.error.CairnException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }
}
