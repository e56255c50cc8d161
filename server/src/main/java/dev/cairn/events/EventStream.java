package dev.cairn.events;

import dev.cairn.data.Outbox;
import dev.cairn.fleet.DatabaseRecord;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JetStream side of the relay: the stream's configuration, and publishing a batch of outbox
 * rows with each row's id as the message id ({@code Nats-Msg-Id}), so that a row published again
 * inside the duplicate window (a crash between the ack and the mark) is stored once.
 */
final class EventStream {

    /** JetStream's "stream not found". */
    private static final int STREAM_NOT_FOUND = 10059;
    private static final Duration ACK_WAIT = Duration.ofSeconds(10);
    /** Room for the message's headers and control line beside the body, under the server's max payload. */
    private static final int HEADERS_ALLOWANCE = 256;
    /** Subjects well under the protocol's 4,096-byte control line. */
    private static final int MAX_SUBJECT = 2048;

    /** What happened to one row of a batch. */
    sealed interface Outcome {
        UUID id();
    }

    /** Stored in the stream, or already there ({@code duplicate}: published before, inside the window). */
    record Stored(UUID id, long sequence, boolean duplicate) implements Outcome {
    }

    /** Refused for this row alone (too large, a subject too long): counted as a failed attempt. */
    record Refused(UUID id, String error) implements Outcome {
    }

    /** Not sent in this batch: an earlier row of its aggregate is in it; it goes in a later one. */
    record Held(UUID id) implements Outcome {
    }

    /** No answer in time: NATS went away; nothing is concluded about the row. */
    record Unanswered(UUID id) implements Outcome {
    }

    private final EventSettings settings;

    EventStream(EventSettings settings) {
        this.settings = settings;
    }

    String subjects() {
        return settings.subjectPrefix() + ".>";
    }

    /** Creates the stream, or brings an existing one to the configured subjects, age and duplicate window. */
    void ensure(Connection nats) throws IOException, JetStreamApiException {
        JetStreamManagement jsm = nats.jetStreamManagement();
        StreamInfo info;
        try {
            info = jsm.getStreamInfo(settings.stream());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
            jsm.addStream(StreamConfiguration.builder()
                    .name(settings.stream())
                    .subjects(subjects())
                    .storageType(StorageType.File)
                    .retentionPolicy(RetentionPolicy.Limits)
                    .maxAge(settings.maxAge())
                    .duplicateWindow(settings.duplicateWindow())
                    .build());
            return;
        }
        StreamConfiguration have = info.getConfiguration();
        boolean covers = have.getSubjects().contains(subjects());
        if (covers && have.getMaxAge().equals(settings.maxAge())
                && have.getDuplicateWindow().equals(settings.duplicateWindow())) {
            return;
        }
        List<String> subjects = new ArrayList<>(have.getSubjects());
        if (!covers) {
            subjects.add(subjects());
        }
        jsm.updateStream(StreamConfiguration.builder(have).subjects(subjects).maxAge(settings.maxAge())
                .duplicateWindow(settings.duplicateWindow()).build());
    }

    /**
     * Publishes the rows without waiting between them, then waits for every ack; one outcome per
     * row, in the rows' order. At most one row per aggregate is sent in a batch: a later row of an
     * aggregate is {@link Held} until the earlier one was acked and marked, so a row lost or refused
     * in flight can never be overtaken by the next one of its aggregate (order per aggregate across
     * NATS outages, not only within a batch). A row the client library would refuse (too large with
     * its headers, a subject over the protocol's line limit) is refused here, before anything is sent.
     */
    List<Outcome> publish(Connection nats, Origin origin, List<Outbox.Event> events) throws IOException {
        JetStream js = nats.jetStream();
        long maxPayload = nats.getMaxPayload();
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>(events.size());
        List<Outcome> early = new ArrayList<>(events.size());
        java.util.Set<String> taken = new java.util.HashSet<>();
        for (Outbox.Event event : events) {
            acks.add(null);
            String aggregate = event.aggregateType() + "\u0000" + event.aggregateId();
            if (!taken.add(aggregate)) {
                early.add(new Held(event.id()));
                continue;
            }
            byte[] body = EventJson.body(origin, event);
            String subject = subject(origin, event);
            if (body.length + HEADERS_ALLOWANCE > maxPayload) {
                early.add(new Refused(event.id(), "the event is " + body.length + " bytes with its headers about "
                        + (body.length + HEADERS_ALLOWANCE) + "; the NATS server takes at most " + maxPayload));
            } else if (subject.length() > MAX_SUBJECT) {
                early.add(new Refused(event.id(), "its subject is " + subject.length() + " characters (names are"
                        + " escaped %XX per byte); at most " + MAX_SUBJECT));
            } else {
                try {
                    acks.set(acks.size() - 1, js.publishAsync(subject, body, PublishOptions.builder()
                            .messageId(event.id().toString()).build())); // the subject is the stream's by construction
                    early.add(null);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    early.add(new Refused(event.id(), "the NATS client refused it: " + e.getMessage()));
                }
            }
        }
        long deadline = System.nanoTime() + ACK_WAIT.toNanos();
        List<Outcome> outcomes = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            outcomes.add(early.get(i) != null ? early.get(i) : await(events.get(i).id(), acks.get(i), deadline));
        }
        return outcomes;
    }

    String subject(Origin origin, Outbox.Event event) {
        if (origin.control()) {
            return Subjects.control(settings.subjectPrefix(), event.tenant(), event.aggregateType(), event.type());
        }
        DatabaseRecord database = origin.record().orElseThrow();
        return Subjects.event(settings.subjectPrefix(), database.platform(), EventJson.tenant(database, event),
                event.aggregateType(), event.type());
    }

    private static Outcome await(UUID id, CompletableFuture<PublishAck> ack, long deadline) {
        try {
            PublishAck done = ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new Stored(id, done.getSeqno(), done.isDuplicate());
        } catch (ExecutionException e) {
            // The server refused it (storage full, limits): a state of the server, not of the row, so it
            // costs no attempt; the row is sent again on the next pass.
            return new Unanswered(id);
        } catch (TimeoutException e) {
            return new Unanswered(id);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Unanswered(id);
        }
    }
}
