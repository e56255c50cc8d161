package dev.cairn.realm;

import dev.cairn.fleet.ControlDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Bound statements on a control connection: values are always parameters (a {@link Collection} of
 * strings binds as {@code text[]}, an {@link Optional} as its value or NULL); jsonb columns are
 * written as text cast in the SQL ({@code ?::jsonb}).
 */
final class Sql {

    private Sql() {
    }

    static <T> List<T> list(Connection c, String sql, ControlDatabase.RowMapper<T> mapper, Object... params)
            throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(mapper.map(rs));
            }
            return out;
        }
    }

    static <T> Optional<T> one(Connection c, String sql, ControlDatabase.RowMapper<T> mapper, Object... params)
            throws SQLException {
        return list(c, sql, mapper, params).stream().findFirst();
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i] instanceof Optional<?> o ? o.orElse(null) : params[i];
                if (p instanceof Collection<?> values) {
                    ps.setArray(i + 1, c.createArrayOf("text", values.toArray()));
                } else {
                    ps.setObject(i + 1, p);
                }
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    static String time(Timestamp t) {
        return t.toInstant().toString();
    }
}
