package dev.cairn.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live events for subscribers, read from JetStream (not from this instance's relay), so any
 * instance serves any subscriber and a subscriber sees every instance's writes. One ordered
 * consumer per subscription, filtered to one platform, tenant and entity by subject; it starts
 * after a given stream sequence (a resume: what was missed, then live, with neither gap nor
 * duplicate at the seam, since it is one consumer in sequence order) or at new messages.
 */
public final class Subscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a subscriber asked for; {@code types} empty means every type. */
    public record Spec(String platform, String tenant, String entity, Set<String> types, OptionalLong after) {
        public Spec {
            types = Set.copyOf(types);
        }
    }

    /** Where a subscription's events go; {@code false} means the subscriber's buffer is full. */
    @FunctionalInterface
    public interface Sink {
        boolean offer(long sequence, JsonNode event);
    }

    /** An open subscription: nothing is delivered before {@link #start()}; closing it stops its consumer. */
    public interface Handle extends AutoCloseable {
        /** Starts delivery (after the subscriber was told the subscription exists). */
        void start();

        @Override
        void close();
    }

    private final EventSettings settings;
    private final NatsLink link;

    Subscriptions(EventSettings settings, NatsLink link) {
        this.settings = settings;
        this.link = link;
    }

    /**
     * A subscription delivering {@code spec}'s events to {@code sink} on a thread of its own once
     * started. When the sink refuses one (the subscriber is too slow), delivery stops and
     * {@code overflow} runs once.
     */
    public Handle open(Spec spec, Sink sink, Runnable overflow) {
        if (!link.connected()) {
            throw CairnException.of(ErrorCode.EVENTS_UNAVAILABLE, "events are unavailable: NATS is unreachable");
        }
        String filter = settings.subjectPrefix() + "." + Subjects.token(spec.platform()) + "."
                + Subjects.token(spec.tenant()) + "." + Subjects.token(spec.entity()) + "."
                + (spec.types().size() == 1 ? Subjects.token(spec.types().iterator().next()) : "*");
        ConsumerConfiguration.Builder consumer = ConsumerConfiguration.builder().filterSubject(filter);
        if (spec.after().isPresent()) {
            consumer.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(spec.after().getAsLong() + 1);
        } else {
            consumer.deliverPolicy(DeliverPolicy.New);
        }
        JetStreamSubscription sub;
        try {
            sub = link.connection().jetStream().subscribe(filter, PushSubscribeOptions.builder()
                    .stream(settings.stream()).ordered(true).configuration(consumer.build()).build());
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            throw CairnException.of(ErrorCode.EVENTS_UNAVAILABLE, "events are unavailable: " + e.getMessage());
        }
        return new Delivery(sub, spec.types(), sink, overflow);
    }

    private static final class Delivery implements Handle {
        private final JetStreamSubscription sub;
        private final Set<String> types;
        private final Sink sink;
        private final Runnable overflow;
        private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile boolean closed;

        Delivery(JetStreamSubscription sub, Set<String> types, Sink sink, Runnable overflow) {
            this.sub = sub;
            this.types = types;
            this.sink = sink;
            this.overflow = overflow;
        }

        void run() {
            try {
                while (!closed) {
                    Message m = sub.nextMessage(Duration.ofMillis(500));
                    if (m == null || !m.isJetStream()) {
                        continue;
                    }
                    JsonNode body = JSON.readTree(m.getData());
                    if (!types.isEmpty() && !types.contains(body.path("type").asText())) {
                        continue;
                    }
                    long sequence = m.metaData().streamSequence();
                    if (!sink.offer(sequence, event(sequence, body))) {
                        closed = true;
                        overflow.run();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | IllegalStateException e) {
                if (!closed) {
                    // A message that is not an event, or a consumer gone: end the subscriber's connection
                    // rather than leave it open and silent; it resumes with `since`.
                    LOG.debug("events: a subscription ended: {}", e.toString());
                    closed = true;
                    overflow.run();
                }
            } finally {
                unsubscribe();
            }
        }

        @Override
        public void start() {
            if (started.compareAndSet(false, true)) {
                Thread.ofVirtual().name("cairn-subscription").start(this::run);
            }
        }

        @Override
        public void close() {
            closed = true;
            if (started.compareAndSet(false, true)) {
                unsubscribe(); // never started: no thread will; the consumer must not outlive its subscriber
            }
        }

        private void unsubscribe() {
            try {
                sub.unsubscribe();
            } catch (IllegalStateException e) {
                // the connection is closed already: so is the consumer
            }
        }
    }

    /** The event as subscribers see it: the stored message's fields and its stream sequence. */
    static ObjectNode event(long sequence, JsonNode body) {
        ObjectNode event = JSON.createObjectNode();
        for (String field : new String[] {"id", "entity", "type", "aggregateId", "tenant", "occurredAt"}) {
            event.set(field, body.path(field));
        }
        event.set("payload", body.path("payload"));
        event.put("sequence", sequence);
        return event;
    }
}
