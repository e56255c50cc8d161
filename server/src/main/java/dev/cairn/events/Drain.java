package dev.cairn.events;

import dev.cairn.data.Outbox;
import dev.cairn.sql.Locks;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over one database's outbox: batch after batch, each one transaction that takes the
 * database's relay lock (another instance draining it makes this pass stop at once), claims the
 * oldest unpublished rows, publishes them, waits for the acks and marks them, until a batch comes
 * back short. A row is marked published only after JetStream acked it; a crash before the mark
 * publishes it again, which the stream drops as a duplicate of its id.
 */
final class Drain {

    private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

    /** How a pass ended. */
    enum Ended {
        /** Nothing left to publish (rows given up on aside). */
        EMPTY,
        /** Another relay holds this database. */
        BUSY,
        /** NATS did not answer for some rows: they stay for a later pass. */
        NATS_TROUBLE,
        /** NATS refused some rows: they are tried again after a pause, not at once. */
        REFUSED
    }

    /** How it ended, the rows it published, and how many of those the stream already had (a republish). */
    record Pass(Ended ended, int published, int duplicates) {
    }

    private Drain() {
    }

    static Pass run(Connection c, Origin origin, EventStream stream, io.nats.client.Connection nats,
                    EventSettings settings) throws SQLException, IOException {
        int published = 0;
        int duplicates = 0;
        while (true) {
            c.setAutoCommit(false);
            try {
                if (!Locks.RELAY.tryTransaction(c, "0")) {
                    c.rollback();
                    return new Pass(Ended.BUSY, published, duplicates);
                }
                List<Outbox.Event> events = Outbox.claim(c, settings.batchSize(), settings.maxAttempts());
                if (events.isEmpty()) {
                    c.commit();
                    return new Pass(Ended.EMPTY, published, duplicates);
                }
                Batch batch = Batch.of(stream.publish(nats, origin, events));
                Outbox.published(c, batch.stored, batch.sequences);
                for (EventStream.Refused refused : batch.refused) {
                    Outbox.failed(c, refused.id(), refused.error());
                }
                c.commit();
                published += batch.stored.size();
                duplicates += batch.duplicates;
                giveUps(origin.database(), events, batch.refused, settings.maxAttempts());
                if (batch.unanswered > 0) {
                    return new Pass(Ended.NATS_TROUBLE, published, duplicates);
                }
                if (!batch.refused.isEmpty()) {
                    return new Pass(Ended.REFUSED, published, duplicates);
                }
                if (events.size() < settings.batchSize() && batch.held == 0) {
                    return new Pass(Ended.EMPTY, published, duplicates);
                }
            } catch (SQLException | IOException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private record Batch(List<UUID> stored, List<Long> sequences, int duplicates, List<EventStream.Refused> refused,
                         int unanswered, int held) {
        static Batch of(List<EventStream.Outcome> outcomes) {
            List<UUID> stored = new ArrayList<>();
            List<Long> sequences = new ArrayList<>();
            List<EventStream.Refused> refused = new ArrayList<>();
            int unanswered = 0;
            int duplicates = 0;
            int held = 0;
            for (EventStream.Outcome outcome : outcomes) {
                switch (outcome) {
                    case EventStream.Stored s -> {
                        stored.add(s.id());
                        sequences.add(s.sequence());
                        duplicates += s.duplicate() ? 1 : 0;
                    }
                    case EventStream.Refused r -> refused.add(r);
                    case EventStream.Unanswered u -> unanswered++;
                    case EventStream.Held h -> held++; // left unpublished: a later batch takes it
                }
            }
            return new Batch(stored, sequences, duplicates, refused, unanswered, held);
        }
    }

    /** A row that has now failed its last attempt is said once, with why. */
    private static void giveUps(String database, List<Outbox.Event> events, List<EventStream.Refused> refused,
                                int maxAttempts) {
        for (EventStream.Refused r : refused) {
            events.stream().filter(e -> e.id().equals(r.id()) && e.attempts() + 1 >= maxAttempts).findFirst()
                    .ifPresent(e -> LOG.warn("events: outbox row {} of {} failed {} times and is given up on (kept,"
                            + " with its last error): {}", e.id(), database, maxAttempts, r.error()));
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; the server rolls the transaction back when it goes.
        }
    }
}
