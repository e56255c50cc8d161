package dev.cairn.events;

import static dev.cairn.events.EventsFixture.create;
import static dev.cairn.events.EventsFixture.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.testing.Await;
import dev.cairn.testing.ChildGateway;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.TestNats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of a relaying gateway: the rows it had published but not yet marked are
 * published again by the next one, and JetStream, knowing their ids from inside the duplicate
 * window, stores each once. The next gateway counts exactly those as duplicates, and the stream
 * ends with every row once.
 */
class RelayCrashTest {

    private static final int ROWS = 60_000;

    @Test
    void a_gateway_killed_between_publish_and_mark_causes_no_duplicate_in_the_stream() throws Exception {
        EventsFixture events = new EventsFixture(TestNats.url());
        // The databases come from a gateway without a relay; the relaying ones are processes of their own.
        try (TestGateway owner = TestGateway.start()) {
            try {
                crashAndRestart(events, owner);
            } finally {
                TestGateway.deleteNatsNames(TestNats.url(), owner.controlDatabase()); // the children's presence bucket
            }
        } finally {
            events.close();
        }
    }

    private void crashAndRestart(EventsFixture events, TestGateway owner) throws Exception {
        String platform = owner.platform();
        register(owner.http(), platform, "t1");
        String database = platform + "_t1";
        Pg.execute(database, "INSERT INTO cairn.outbox (aggregate_type, aggregate_id, type, payload)"
                + " SELECT 'items', (i % 100)::text, 'updated', jsonb_build_object('i', i) FROM generate_series(1, "
                + ROWS + ") i");
        Map<String, String> env = events.env("EVENTS_SWEEP_MS", "3600000", "EVENTS_FULL_SWEEP_SECS", "3600",
                "ADMIN_TOKEN", TestGateway.ADMIN_TOKEN);
        long streamAtKill;
        long markedAtKill;
        try (ChildGateway first = ChildGateway.start(owner.controlDatabase(), env)) {
            create(first.http(), platform, "t1", "wake-1"); // wakes its relay for t1
            Await.until("the relay well under way", Duration.ofSeconds(30), () -> events.count() > ROWS / 4);
            first.kill();
            streamAtKill = events.count();
            markedAtKill = Long.parseLong(Pg.scalar(database,
                    "SELECT count(*) FROM cairn.outbox WHERE published_at IS NOT NULL"));
        }
        assertThat(streamAtKill).as("killed before the end").isLessThan(ROWS);
        System.out.println("kill -9 with " + streamAtKill + " events in the stream and " + markedAtKill
                + " rows marked: " + (streamAtKill - markedAtKill) + " published but not marked");
        try (ChildGateway second = ChildGateway.start(owner.controlDatabase(), env)) {
            create(second.http(), platform, "t1", "wake-2");
            Await.until("every row published", Duration.ofSeconds(60), () -> EventsFixture.unpublished(database) == 0);
            Await.until("every row in the stream", Duration.ofSeconds(10), () -> events.count() == ROWS + 2);
            long duplicates = second.http().get("/health").body().path("events").path("duplicates").asLong();
            assertThat(duplicates).as("republished rows the stream already had").isEqualTo(streamAtKill - markedAtKill);
        }
        List<String> ids = events.dataEvents().stream().map(EventsFixture.Event::msgId).toList();
        assertThat(ids).doesNotHaveDuplicates().hasSize(ROWS + 2);
        Set<String> rows = Pg.query(database, "SELECT id::text FROM cairn.outbox").stream().map(r -> r.get(0))
                .collect(Collectors.toSet());
        assertThat(Set.copyOf(ids)).isEqualTo(rows);
    }
}
