package dev.cairn.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.testing.Bundles;
import dev.cairn.testing.Http;
import dev.cairn.testing.Pg;
import dev.cairn.testing.TestGateway;
import dev.cairn.testing.TestNats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the event tests share: a bundle with a table the data API writes and a function that emits
 * an event of its own, a stream and subject prefix no other test or run uses (deleted after), and
 * reading the stream back.
 */
final class EventsFixture {

    static final byte[] BUNDLE = Bundles.tarGz(Map.of(
            "postgresql/tables/items.pgsql", "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL,"
                    + " qty integer NOT NULL DEFAULT 0);",
            "postgresql/functions/emit_shipped.pgsql", """
                    CREATE OR REPLACE FUNCTION emit_shipped(p_order text) RETURNS integer LANGUAGE sql AS $$
                      INSERT INTO cairn.outbox (aggregate_type, aggregate_id, type, payload)
                      VALUES ('orders', p_order, 'shipped', jsonb_build_object('order', p_order))
                      RETURNING 1;
                    $$;"""));

    final String nats;
    final String stream = "CT_" + TestGateway.randomHex();
    final String prefix = "ct" + TestGateway.randomHex();

    EventsFixture(String nats) {
        this.nats = nats;
    }

    /** Gateway settings for this fixture's stream, with a quick sweep and a short full sweep. */
    Map<String, String> env(String... more) {
        Map<String, String> env = new HashMap<>(Map.of("NATS_URL", nats, "EVENTS_STREAM", stream,
                "EVENTS_SUBJECT_PREFIX", prefix, "EVENTS_SWEEP_MS", "200", "EVENTS_FULL_SWEEP_SECS", "10",
                "EVENTS_MAX_ATTEMPTS", "3"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    static void register(Http http, String platform, String tenant) {
        Http.Answer a = http.register(platform, tenant, BUNDLE);
        assertThat(a.status()).as(a.raw()).isEqualTo(200);
    }

    /** Headers of one write as the platform (admin token), with an idempotency key of its own. */
    static String[] as(String platform, String tenant) {
        return new String[] {"Authorization", "Bearer " + TestGateway.ADMIN_TOKEN, "x-platform", platform,
                "x-tenant-id", tenant, "Idempotency-Key", java.util.UUID.randomUUID().toString()};
    }

    /** Creates {@code names.length} items in one request; their ids. */
    static List<String> create(Http http, String platform, String tenant, String... names) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : names) {
            rows.add(Map.of("name", name));
        }
        Http.Answer a = http.postJson("/v1/items", names.length == 1 ? rows.get(0) : rows, as(platform, tenant));
        assertThat(a.status()).as(a.raw()).isEqualTo(201);
        List<String> ids = new ArrayList<>();
        JsonNode body = a.body();
        if (body.isArray()) {
            body.forEach(row -> ids.add(row.path("id").asText()));
        } else if (body.path("data").isArray()) {
            body.path("data").forEach(row -> ids.add(row.path("id").asText()));
        } else {
            ids.add(body.path("id").asText());
        }
        return ids;
    }

    /** The stream's events: subject, message id, body. */
    record Event(long sequence, String subject, String msgId, JsonNode body) {
    }

    List<Event> events() {
        List<Event> out = new ArrayList<>();
        for (TestNats.Stored m : TestNats.messages(nats, stream)) {
            try {
                out.add(new Event(m.sequence(), m.subject(), m.msgId(),
                        m.data().length == 0 ? Http.JSON.missingNode() : Http.JSON.readTree(m.data())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** Data events in the stream (control-plane events, {@code prefix.control.…}, left out). */
    long count() {
        long all = TestNats.count(nats, stream);
        return all == 0 ? 0 : all - TestNats.count(nats, stream, prefix + ".control.>");
    }

    List<Event> dataEvents() {
        return events().stream().filter(e -> !e.subject().startsWith(prefix + ".control.")).toList();
    }

    static long unpublished(String database) {
        return Long.parseLong(Pg.scalar(database, "SELECT count(*) FROM cairn.outbox WHERE published_at IS NULL"));
    }

    void close() {
        TestNats.deleteStream(nats, stream);
    }
}
