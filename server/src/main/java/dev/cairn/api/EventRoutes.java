package dev.cairn.api;

import dev.cairn.error.CairnException;
import dev.cairn.error.Problem;
import dev.cairn.events.Subscriptions;
import dev.cairn.identity.Authenticator;
import dev.cairn.identity.NetworkPolicy;
import dev.cairn.identity.Principal;
import dev.cairn.policy.DataScope;
import io.helidon.http.HeaderNames;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import io.helidon.webserver.websocket.WsRouting;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Live events: {@code GET /v1/events} (WebSocket, {@link EventSocket}) and its SSE twin
 * {@code GET /v1/events/stream?entity=…&types=…&since=…} for clients without WebSocket, resumed
 * with {@code Last-Event-ID} (each event's id field is its stream sequence). Both on the data API's
 * identity, tenancy and policy (through {@link EventFace}).
 */
final class EventRoutes {

    static final String PATH = "/v1/events";
    private static final long PING_SECONDS = 15;

    private final EventFace face;
    private final Authenticator authenticator;
    private final NetworkPolicy network;

    EventRoutes(EventFace face, Authenticator authenticator, NetworkPolicy network) {
        this.face = face;
        this.authenticator = authenticator;
        this.network = network;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.get(routing, PATH + "/stream", this::stream);
    }

    /** The stream's last event: why it ends. */
    private static SseEvent error(String code, String message) {
        return SseEvent.builder().name("error").data(Json.write(Map.of("error", code, "message", message))).build();
    }

    WsRouting.Builder webSocket() {
        return WsRouting.builder().endpoint(PATH, () -> new EventSocket(face, authenticator, network));
    }

    private void stream(ServerRequest req, ServerResponse res) {
        Principal principal = RequestIdentity.of(req).principal();
        DataScope scope = DataScopes.of(req, face.defaultPlatform);
        String entity = req.query().first("entity").asOptional().filter(e -> !e.isBlank())
                .orElseThrow(() -> EventFace.invalid("entity", "the name of an entity of the data API (?entity=…)"));
        var types = EventFace.types(req.query().first("types").asOptional().map(t -> {
            var array = Json.MAPPER.createArrayNode();
            for (String type : t.split(",")) {
                array.add(type.strip());
            }
            return (com.fasterxml.jackson.databind.JsonNode) array;
        }).orElse(null));
        Optional<String> since = req.headers().first(HeaderNames.create("Last-Event-ID")).or(() -> req.query().first("since").asOptional());
        Subscriptions.Spec spec = face.spec(principal, scope, entity, types,
                since.map(s -> (com.fasterxml.jackson.databind.JsonNode) Json.MAPPER.getNodeFactory().textNode(s.strip())));
        Runnable release = face.connections.acquire(principal.actor());
        ArrayBlockingQueue<SseEvent> out = new ArrayBlockingQueue<>(face.settings.subscriberBuffer());
        AtomicBoolean tooSlow = new AtomicBoolean();
        Subscriptions.Handle handle;
        try {
            handle = face.subscriptions().open(spec, (sequence, event) -> EventFace.offer(out, SseEvent.builder()
                    .id(Long.toString(sequence)).name("event").data(event.toString()).build()), () -> tooSlow.set(true));
        } catch (CairnException e) {
            release.run();
            throw e;
        }
        CredentialRecheck recheck = RequestIdentity.of(req).recheck(face.settings.credentialsRecheck());
        try (SseSink sink = res.sink(SseSink.TYPE)) {
            handle.start();
            long lastSent = System.nanoTime();
            while (true) {
                if (tooSlow.get()) {
                    sink.emit(error("too_slow", "too slow: " + out.size() + " events waiting (EVENTS_SUBSCRIBER_BUFFER)"));
                    break;
                }
                Optional<Problem> expired = recheck.verdict();
                if (expired.isPresent()) {
                    sink.emit(error(expired.get().code().wireName(), expired.get().message()));
                    break;
                }
                SseEvent event = out.poll(1, TimeUnit.SECONDS);
                if (event == null && System.nanoTime() - lastSent < TimeUnit.SECONDS.toNanos(PING_SECONDS)) {
                    continue;
                }
                sink.emit(event != null ? event : SseEvent.builder().comment("ping").build());
                lastSent = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // the client went away mid-stream: nothing to answer
        } finally {
            handle.close();
            release.run();
        }
    }
}
