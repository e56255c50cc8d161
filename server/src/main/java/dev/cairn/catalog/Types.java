package dev.cairn.catalog;

import java.util.Map;
import java.util.Optional;

/**
 * The types one database knows: the built-in ones, shared by every database of the server
 * (their OIDs are fixed below {@code FirstNormalObjectId}), and the database's own.
 */
public record Types(Map<Long, PgType> builtin, Map<Long, PgType> own) {

    /** OIDs below this are assigned at initdb and identical in every database of a server. */
    static final long FIRST_NORMAL_OBJECT_ID = 16384;

    public Types {
        builtin = Map.copyOf(builtin);
        own = Map.copyOf(own);
    }

    public Optional<PgType> find(long oid) {
        PgType type = oid < FIRST_NORMAL_OBJECT_ID ? builtin.get(oid) : own.get(oid);
        return Optional.ofNullable(type);
    }

    /** Follows domains down to the type whose values PostgreSQL actually prints. */
    public Optional<PgType> resolve(long oid) {
        Optional<PgType> type = find(oid);
        for (int depth = 0; type.isPresent() && type.get().isDomain() && depth < 32; depth++) {
            type = find(type.get().base());
        }
        return type;
    }
}
