package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import dev.cairn.events.Subscriptions;
import dev.cairn.identity.Authenticator;
import dev.cairn.identity.NetworkPolicy;
import dev.cairn.identity.Principal;
import dev.cairn.policy.DataScope;
import io.helidon.websocket.WsSession;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * One WebSocket connection of {@code GET /v1/events}: the credentials and scope of the upgrade
 * (see {@link FramedSocket}) are checked when the connection opens, and a connection that fails
 * them is closed with a code from the error's status (4001 unauthorized, 4003 forbidden, 4029 too
 * many). Frames: {@code subscribe}, {@code unsubscribe}, {@code ping}; each subscription waits on its
 * own thread, so no one else waits for it.
 */
final class EventSocket extends FramedSocket {

    private Principal principal;
    private DataScope scope;

    EventSocket(EventFace face, Authenticator authenticator, NetworkPolicy network) {
        super(face, authenticator, network);
    }

    @Override
    void opened() {
        principal = authenticate(authorization);
        scope = DataScope.resolve(principal, platform, tenant, face.defaultPlatform);
    }

    @Override
    void refusedAtOpen(WsSession session, Problem problem) {
        session.send(error(Optional.empty(), problem), true);
    }

    @Override
    void frame(String message) {
        JsonNode frame;
        try {
            frame = Json.MAPPER.readTree(message);
        } catch (IOException e) {
            queue(error(Optional.empty(), Problem.of(ErrorCode.INVALID_REQUEST, "a frame is one JSON object")));
            return;
        }
        Optional<String> id = Optional.ofNullable(frame.get("id")).filter(JsonNode::isValueNode).map(JsonNode::asText);
        try {
            switch (frame.path("type").asText()) {
                case "subscribe" -> subscribe(frame, id.orElseThrow(() -> EventFace.invalid("id", "a string naming the subscription")));
                case "unsubscribe" -> unsubscribe(id.orElseThrow(() -> EventFace.invalid("id", "the subscription's id")));
                case "ping" -> queue(Json.write(Map.of("type", "pong")));
                case "pong" -> { }
                default -> throw EventFace.invalid("type", "subscribe, unsubscribe, ping or pong");
            }
        } catch (CairnException e) {
            queue(error(id, e.problem()));
        }
    }

    private void subscribe(JsonNode frame, String id) {
        if (id.isEmpty() || id.length() > 100) {
            throw EventFace.invalid("id", "a string of 1 to 100 characters");
        }
        if (subscriptions.containsKey(id)) {
            throw new CairnException(Problem.of(ErrorCode.CONFLICT, "subscription " + id + " is open already")
                    .with("field", "id"));
        }
        if (subscriptions.size() >= face.settings.maxSubscriptions()) {
            throw CairnException.of(ErrorCode.TOO_MANY_SUBSCRIPTIONS, "at most " + face.settings.maxSubscriptions()
                    + " subscriptions per connection (EVENTS_MAX_SUBSCRIPTIONS)");
        }
        JsonNode entity = frame.path("entity");
        if (!entity.isTextual() || entity.asText().isEmpty()) {
            throw EventFace.invalid("entity", "the name of an entity of the data API");
        }
        Subscriptions.Spec spec = face.spec(principal, scope, entity.asText(), EventFace.types(frame.get("types")),
                Optional.ofNullable(frame.get("since")));
        Subscriptions.Handle handle = face.subscriptions().open(spec, (sequence, event) -> offer(eventFrame(id, event)),
                this::tooSlow);
        subscriptions.put(id, handle);
        if (closed) { // the connection ended while this subscription was being made
            subscriptions.remove(id);
            handle.close();
            return;
        }
        queue(Json.write(Map.of("type", "ack", "id", id)));
        handle.start(); // after the ack: a replay's first event must not overtake it
    }

    private void unsubscribe(String id) {
        AutoCloseable handle = subscriptions.remove(id);
        if (handle == null) {
            throw new CairnException(Problem.of(ErrorCode.RECORD_NOT_FOUND, "no open subscription " + id).with("field", "id"));
        }
        close(handle);
        queue(Json.write(Map.of("type", "ack", "id", id)));
    }

    private static String eventFrame(String subscription, JsonNode event) {
        ObjectNode frame = Json.MAPPER.createObjectNode();
        frame.put("type", "event");
        frame.put("subscription", subscription);
        frame.set("event", event);
        return frame.toString();
    }

    private static String error(Optional<String> id, Problem problem) {
        Map<String, Object> frame = new java.util.LinkedHashMap<>();
        frame.put("type", "error");
        id.ifPresent(i -> frame.put("id", i));
        frame.putAll(HttpErrors.fields(problem));
        return Json.write(frame);
    }

}
