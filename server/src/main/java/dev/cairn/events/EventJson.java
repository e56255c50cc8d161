package dev.cairn.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.cairn.data.Outbox;
import dev.cairn.fleet.DatabaseRecord;
import dev.cairn.fleet.Names;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The body of an event message: the outbox row with the platform and database it came from. The
 * payload is copied as PostgreSQL wrote it (jsonb text), never parsed and re-encoded.
 */
final class EventJson {

    private static final JsonFactory JSON = new JsonFactory();

    private EventJson() {
    }

    /**
     * The tenant an event belongs to: a tenant's own database's tenant, whatever its rows say (a
     * function there cannot publish into another tenant's subjects); in a main database, where row
     * tenancy keeps many tenants, the row's, else {@code main}.
     */
    static String tenant(DatabaseRecord database, Outbox.Event event) {
        if (database.tenant().isPresent()) {
            return database.tenant().get();
        }
        return event.tenant() != null && !event.tenant().isEmpty() ? event.tenant() : Names.MAIN;
    }

    /** A control-plane event names its platform in the row's tenant column; it has no tenant or database. */
    static byte[] body(Origin origin, Outbox.Event event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + event.payload().map(String::length).orElse(0));
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", event.id().toString());
            if (origin.record().isPresent()) {
                DatabaseRecord database = origin.record().get();
                g.writeStringField("platform", database.platform());
                g.writeStringField("tenant", tenant(database, event));
                g.writeStringField("database", database.name());
            } else {
                g.writeStringField("platform", event.tenant());
            }
            g.writeStringField("entity", event.aggregateType());
            g.writeStringField("type", event.type());
            g.writeStringField("aggregateId", event.aggregateId());
            g.writeStringField("occurredAt", event.occurredAt().toString());
            g.writeNumberField("outboxSeq", event.seq());
            g.writeFieldName("payload");
            if (event.payload().isPresent()) {
                g.writeRawValue(event.payload().get());
            } else {
                g.writeNull();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
