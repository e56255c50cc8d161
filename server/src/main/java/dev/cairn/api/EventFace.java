package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.data.Pipeline;
import dev.cairn.data.Target;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.events.EventSettings;
import dev.cairn.events.Relay;
import dev.cairn.events.Subscriptions;
import dev.cairn.identity.Principal;
import dev.cairn.policy.DataScope;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * What the WebSocket and SSE event routes share: a subscription request turned into a
 * {@link Subscriptions.Spec} on the data API's pipeline (its identity, tenancy and policy: a
 * principal may watch the entities it may list), and where the events come from.
 */
final class EventFace {

    final Pipeline pipeline;
    final Optional<Relay> relay;
    final EventSettings settings;
    final EventConnections connections;
    final Optional<String> defaultPlatform;

    EventFace(Pipeline pipeline, Optional<Relay> relay, EventSettings settings, Optional<String> defaultPlatform) {
        this.pipeline = pipeline;
        this.relay = relay;
        this.settings = settings;
        this.connections = new EventConnections(settings.maxConnections());
        this.defaultPlatform = defaultPlatform;
    }

    Subscriptions subscriptions() {
        return relay.map(Relay::subscriptions).orElseThrow(() -> CairnException.of(ErrorCode.EVENTS_UNAVAILABLE,
                "events are off on this gateway: it has no NATS_URL"));
    }

    /**
     * The spec of one subscription: the entity checked against the policy; {@code since} a stream
     * sequence (resume after it) or an event id (resume after that event).
     */
    Subscriptions.Spec spec(Principal principal, DataScope scope, String entity, Set<String> types,
                            Optional<JsonNode> since) {
        Target target = new Target.Tenant(scope.platform(), Optional.of(scope.tenant()));
        String name = pipeline.authorizeEvents(principal, target, entity);
        OptionalLong after = OptionalLong.empty();
        if (since.isPresent() && !since.get().isNull()) {
            after = after(target, since.get());
        }
        return new Subscriptions.Spec(scope.platform(), scope.tenant(), name, types, after);
    }

    private OptionalLong after(Target target, JsonNode since) {
        if (since.isIntegralNumber() && since.canConvertToLong() && since.asLong() >= 0) {
            return OptionalLong.of(since.asLong());
        }
        if (since.isTextual() && since.asText().matches("\\d{1,18}")) {
            return OptionalLong.of(Long.parseLong(since.asText()));
        }
        UUID id;
        try {
            id = UUID.fromString(since.asText());
        } catch (IllegalArgumentException e) {
            throw invalid("since", "a stream sequence (a number) or an event id (a uuid)");
        }
        return OptionalLong.of(pipeline.eventSequence(target, id).orElseThrow(() -> invalid("since",
                "names no published event of this tenant (older than OUTBOX_RETENTION_HOURS?): resume by sequence")));
    }

    /** How long an event waits for room in a subscriber's buffer before the subscriber is too slow. */
    static final long SLOW_GRACE_MILLIS = 2000;

    /**
     * Queues an event for a subscriber (WebSocket or SSE), waiting {@link #SLOW_GRACE_MILLIS} for
     * room; false when there was none: the subscriber is too slow.
     */
    static <T> boolean offer(java.util.concurrent.BlockingQueue<T> out, T event) {
        try {
            return out.offer(event, SLOW_GRACE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Set<String> types(JsonNode types) {
        Set<String> out = new LinkedHashSet<>();
        if (types == null || types.isMissingNode() || types.isNull()) {
            return out;
        }
        if (!types.isArray()) {
            throw invalid("types", "an array of event types, such as [\"created\", \"updated\"]");
        }
        for (JsonNode type : types) {
            if (!type.isTextual() || type.asText().isEmpty() || type.asText().length() > 100) {
                throw invalid("types", "an array of non-empty strings");
            }
            out.add(type.asText());
        }
        return out;
    }

    static CairnException invalid(String field, String expected) {
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, field + " must be " + expected)
                .with("field", field));
    }
}
