package dev.cairn.deploy;

import dev.cairn.catalog.SnapshotReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads the {@link DesiredState} off a database that was just built from a bundle (a template). */
public final class DesiredStates {

    private DesiredStates() {
    }

    public static DesiredState read(Connection c, boolean fromTables) throws SQLException {
        List<DesiredState.FunctionSpec> functions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT signature, schema_name, name, kind, identity_args, result, checksum, source_file
                FROM cairn.functions ORDER BY signature""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                functions.add(new DesiredState.FunctionSpec(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)));
            }
        }
        return new DesiredState(SnapshotReader.read(c), functions, fromTables);
    }
}
