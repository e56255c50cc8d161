package dev.cairn.deploy;

import dev.cairn.catalog.SchemaSnapshot;
import java.util.List;

/**
 * What a database should look like after a migrate, read from a database freshly built from the
 * bundle (its template): the tables and enums, and every routine the bundle defines with the
 * signature and result PostgreSQL gave it.
 *
 * @param fromTables true when the bundle has {@code tables/}: only then are tables compared
 */
public record DesiredState(SchemaSnapshot schema, List<FunctionSpec> functions, boolean fromTables) {

    public DesiredState {
        functions = List.copyOf(functions);
    }

    /** A routine as deployed: exact signature, result type, and the checksum of its statement. */
    public record FunctionSpec(String signature, String schema, String name, String kind, String identityArguments,
                               String result, String checksum, String file) {
    }
}
