package dev.cairn.events;

import dev.cairn.fleet.DatabaseRecord;
import java.util.Optional;

/**
 * Where outbox rows come from: a platform's database (its record says the platform and tenant),
 * or the control database, whose rows are control-plane events of the platform each row names.
 */
record Origin(String database, Optional<DatabaseRecord> record) {

    static Origin of(DatabaseRecord record) {
        return new Origin(record.name(), Optional.of(record));
    }

    static Origin control(String database) {
        return new Origin(database, Optional.empty());
    }

    boolean control() {
        return record.isEmpty();
    }
}
