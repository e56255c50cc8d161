package dev.cairn.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.events.NatsLink;
import io.nats.client.Dispatcher;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An execution's progress, as one stream whatever reported it: the workflow server publishes on
 * {@code <prefix><executionId>.events}, and a callback Cairn accepted is published there too, so
 * a subscriber on any instance sees both. Without NATS, updates reach the subscribers of this
 * instance only. Each update is normalized to {@code {executionId, requestId?, step?, status?,
 * data?, source, timestamp}}.
 */
final class ExecutionUpdates {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionUpdates.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<NatsLink> nats;
    private final String prefix;
    private final Map<String, List<Consumer<JsonNode>>> local = new ConcurrentHashMap<>();

    ExecutionUpdates(Optional<NatsLink> nats, String prefix) {
        this.nats = nats;
        this.prefix = prefix;
    }

    String subject(String executionId) {
        return prefix + executionId + ".events";
    }

    /** Delivers every later update of the execution to {@code sink} until the handle is closed. */
    AutoCloseable subscribe(String executionId, Consumer<JsonNode> sink) {
        if (nats.isPresent()) {
            Dispatcher dispatcher = nats.get().connection().createDispatcher(msg -> {
                try {
                    sink.accept(normalize(executionId, JSON.readTree(msg.getData())));
                } catch (IOException | RuntimeException e) {
                    LOG.debug("execution {}: an update that is not JSON was skipped", executionId);
                }
            });
            dispatcher.subscribe(subject(executionId));
            return () -> nats.get().connection().closeDispatcher(dispatcher);
        }
        local.computeIfAbsent(executionId, k -> new CopyOnWriteArrayList<>()).add(sink);
        return () -> local.computeIfPresent(executionId, (k, sinks) -> {
            sinks.remove(sink);
            return sinks.isEmpty() ? null : sinks;
        });
    }

    /** An update Cairn learnt itself (a callback): on NATS for every instance, else to this one's subscribers. */
    void publish(String executionId, ObjectNode update) {
        update.put("source", update.path("source").asText("callback"));
        if (nats.isPresent()) {
            try {
                nats.get().connection().publish(subject(executionId), JSON.writeValueAsBytes(update));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        JsonNode normalized = normalize(executionId, update);
        local.getOrDefault(executionId, List.of()).forEach(s -> s.accept(normalized));
    }

    /** The workflow server's events as one shape (its own fields kept under {@code raw}). */
    static ObjectNode normalize(String executionId, JsonNode message) {
        ObjectNode out = JSON.createObjectNode();
        out.put("executionId", executionId);
        text(message, "requestId", "request_id").ifPresent(v -> out.put("requestId", v));
        text(message, "step", "node_name", "step_name").ifPresent(v -> out.put("step", v));
        text(message, "status", "event_type").ifPresent(v -> out.put("status", v));
        JsonNode data = message.has("data") ? message.get("data") : message.get("result");
        if (data != null) {
            out.set("data", data);
        }
        out.put("source", message.path("source").asText("upstream"));
        out.put("timestamp", message.path("timestamp").asText(Instant.now().toString()));
        out.set("raw", message);
        return out;
    }

    private static Optional<String> text(JsonNode message, String... fields) {
        for (String f : fields) {
            if (message.path(f).isValueNode() && !message.path(f).isNull()) {
                return Optional.of(message.path(f).asText());
            }
        }
        return Optional.empty();
    }
}
