package dev.cairn.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.events.NatsLink;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How instances of one mesh talk: each listens on {@code <prefix>.<instance>.*} for calls to its
 * providers (NATS request-reply, so the answer finds its way back by itself), frames to deliver to
 * its members, and loop replies for the loops it coordinates; every instance hears
 * {@code <prefix>.events}. Without NATS there are no other instances, and nothing is sent.
 */
final class Bus implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Bus.class);

    /** What arrives from other instances. */
    interface Inbox {
        /** A call for one of this instance's providers: the service-response payload, when it comes. */
        CompletableFuture<ObjectNode> call(ObjectNode call);

        void deliver(String memberId, String frame, Optional<String> loopCoordinator);

        void loopReply(ObjectNode reply);

        void event(ObjectNode event);
    }

    private final String instance;
    private final Optional<NatsLink> nats;
    private final String prefix;
    private volatile Inbox inbox;
    private volatile Dispatcher dispatcher;

    Bus(String instance, Optional<NatsLink> nats, String prefix) {
        this.instance = instance;
        this.nats = nats;
        this.prefix = prefix;
    }

    /** Starts listening once NATS is there; called again by the mesh's keeper until it is. */
    synchronized void listen(Inbox to) {
        this.inbox = to;
        if (dispatcher != null || nats.isEmpty() || !nats.get().connected()) {
            return;
        }
        Connection c = nats.get().connection();
        Dispatcher d = c.createDispatcher(this::receive);
        d.subscribe(prefix + "." + instance + ".>");
        d.subscribe(prefix + ".events");
        dispatcher = d;
        LOG.info("mesh: instance {} listens on NATS ({}.{}.>)", instance, prefix, instance);
    }

    private void receive(Message m) {
        try {
            JsonNode body = Frames.JSON.readTree(m.getData());
            String subject = m.getSubject();
            if (subject.equals(prefix + ".events")) {
                if (!body.path("instance").asText().equals(instance)) {
                    inbox.event((ObjectNode) body.path("event"));
                }
            } else if (subject.endsWith(".call")) {
                inbox.call((ObjectNode) body).whenComplete((answer, failure) -> reply(m, answer, failure));
            } else if (subject.endsWith(".deliver")) {
                inbox.deliver(body.path("memberId").asText(), body.path("frame").asText(),
                        Optional.of(body.path("coordinator").asText()).filter(s -> !s.isEmpty()));
            } else if (subject.endsWith(".loop")) {
                inbox.loopReply((ObjectNode) body);
            }
        } catch (Exception e) {
            LOG.debug("mesh: a message from another instance could not be handled: {}", e.toString());
        }
    }

    private void reply(Message m, ObjectNode answer, Throwable failure) {
        if (m.getReplyTo() == null || nats.isEmpty()) {
            return;
        }
        ObjectNode out = answer != null ? answer : Frames.payload().set("error",
                Frames.error("INTERNAL_ERROR", "the provider's instance failed: " + failure));
        nats.get().connection().publish(m.getReplyTo(), out.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A call to a provider on another instance: its service-response payload, or a coded failure. */
    CompletableFuture<ObjectNode> call(String to, ObjectNode call, Duration timeout) {
        Optional<Connection> c = connection();
        if (c.isEmpty()) {
            return CompletableFuture.failedFuture(CairnException.of(ErrorCode.TARGET_OFFLINE,
                    "the provider is on another instance and NATS is unreachable"));
        }
        Message request = NatsMessage.builder().subject(prefix + "." + to + ".call")
                .data(call.toString().getBytes(StandardCharsets.UTF_8)).build();
        return c.get().requestWithTimeout(request, timeout).handle((m, failure) -> {
            if (failure == null) {
                try {
                    return (ObjectNode) Frames.JSON.readTree(m.getData());
                } catch (Exception e) {
                    throw new CompletionException(CairnException.of(ErrorCode.INTERNAL_ERROR, "a bad answer from another instance"));
                }
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof TimeoutException || cause instanceof java.util.concurrent.CancellationException) {
                throw new CompletionException(CairnException.of(ErrorCode.SERVICE_TIMEOUT,
                        "the provider did not answer within " + timeout.toMillis() + " ms"));
            }
            throw new CompletionException(CairnException.of(ErrorCode.TARGET_OFFLINE,
                    "the provider's instance did not take the call: " + cause.getMessage()));
        });
    }

    void deliver(String to, String memberId, String frame, Optional<String> coordinator) {
        ObjectNode body = Frames.payload().put("memberId", memberId).put("frame", frame);
        coordinator.ifPresent(c -> body.put("coordinator", c));
        publish(prefix + "." + to + ".deliver", body);
    }

    void loopReply(String to, ObjectNode reply) {
        publish(prefix + "." + to + ".loop", reply);
    }

    void event(ObjectNode event) {
        ObjectNode body = Frames.payload().put("instance", instance);
        body.set("event", event);
        publish(prefix + ".events", body);
    }

    private void publish(String subject, ObjectNode body) {
        connection().ifPresent(c -> c.publish(subject, body.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private Optional<Connection> connection() {
        return nats.filter(NatsLink::connected).map(NatsLink::connection);
    }

    @Override
    public synchronized void close() {
        if (dispatcher != null && nats.isPresent()) {
            try {
                nats.get().connection().closeDispatcher(dispatcher);
            } catch (RuntimeException e) {
                LOG.debug("mesh: closing the dispatcher: {}", e.toString());
            }
        }
    }
}
