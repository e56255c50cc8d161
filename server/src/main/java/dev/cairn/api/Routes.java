package dev.cairn.api;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface: the access filter, every face's routes, the JSON fallback for unknown routes
 * and the error handlers. Errors raised before routing (a bad request line, a body over the
 * server's size limit) go through {@link #directHandlers()} and are JSON too.
 */
public final class Routes {

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    private Routes() {
    }

    /**
     * Every route of the gateway on {@code server}: the HTTP routing and the WebSocket endpoints, on
     * the default listener and on every named one already configured (the TLS listener), which share
     * the faces' state (the WebSocket connection slots among it).
     */
    public static void install(WebServerConfig.Builder server, Services services) {
        EventFace face = new EventFace(services.pipeline(), services.relay(), services.events(),
                services.defaultPlatform());
        EventRoutes events = new EventRoutes(face, services.authenticator(), services.network());
        server.directHandlers(directHandlers());
        listen(server, services, face, events);
        for (Map.Entry<String, ListenerConfig> socket : Map.copyOf(server.sockets()).entrySet()) {
            server.putSocket(socket.getKey(), listener -> listen(listener.from(socket.getValue()), services, face, events));
        }
    }

    private static void listen(ListenerConfig.BuilderBase<?, ?> listener, Services services, EventFace face,
                               EventRoutes events) {
        listener.routing(routing -> configure(routing, services, events))
                .addRouting(events.webSocket().endpoint(GraphqlRoutes.PATH, () -> new GraphqlSocket(face,
                        services.authenticator(), services.network(), services.graphql()))
                        .endpoint(MeshSocket.PATH, () -> new MeshSocket(face, services.authenticator(), services.network(),
                                services.mesh()))
                        .endpoint(MeshSocket.MONITOR, () -> new MonitorSocket(face, services.authenticator(),
                                services.network(), services.mesh(), services.policy())));
    }

    private static void configure(HttpRouting.Builder routing, Services services, EventRoutes events) {
        routing.addFilter(new AccessFilter(services.network(), services.healthPublic(), services.metrics(),
                services.authenticator(), services.policy(), services.rates()));
        routing.error(CairnException.class, Routes::problem);
        routing.error(Throwable.class, Routes::unexpected);
        RouteTable table = new RouteTable();
        new HealthRoutes(services.control(), services.pools(), services.version(), services.startedNanos(),
                services.relay())
                .register(routing, table);
        new RegisterRoutes(services.registrar(), services.registry(), services.bundleLimits()).register(routing, table);
        new CallRoutes(services.pipeline(), services.maxJsonBytes()).register(routing, table);
        // The data faces next: Helidon tries routes in order, and the control routes' path patterns
        // below would otherwise be matched (and miss) on every data request.
        events.register(routing, table); // before /v1/{entity}/{id}, which would take /v1/events/stream
        new GraphqlRoutes(services.graphql(), services.defaultPlatform(), services.maxJsonBytes()).register(routing, table);
        GraphiQL.assets(routing, table);
        new SessionRoutes(services.sessions(), services.policy(), services.maxJsonBytes()).register(routing, table);
        new RealmRoutes(services.realms(), services.registry(), services.maxJsonBytes()).register(routing, table);
        new RealmCatalogRoutes(services.realms(), services.registry(), services.maxJsonBytes()).register(routing, table);
        new CallbackRoutes(services.playbooks(), services.maxJsonBytes()).register(routing, table);
        new MeshAuthRoutes(services.meshTokens(), services.maxJsonBytes()).register(routing, table);
        new EntityRoutes(services.pipeline(), services.defaultPlatform(), services.maxJsonBytes()).register(routing, table);
        new DatabaseLifecycleRoutes(services.lifecycle(), services.registrar(), services.registry(),
                services.maxJsonBytes())
                .register(routing, table);
        new AdminRoutes(services.registrar(), services.registry(), services.control(), services.maxJsonBytes())
                .register(routing, table);
        new MigrateRoutes(services.registrar(), services.registry(), services.v1Fleet(), services.bundleLimits())
                .register(routing, table);
        new MigrateV2Routes(services.registrar(), services.registry(), services.jobs(), services.maxJsonBytes(),
                services.migrateAllSyncWait()).register(routing, table);
        new PlatformRoutes(services.registrar(), services.registry(), services.tokens(), services.bundleLimits(),
                services.maxJsonBytes()).register(routing, table);
        new CatalogRoutes(services.registry(), services.catalogs(), services.maxJsonBytes()).register(routing, table);
        new DataApiSettingsRoutes(services.registry(), services.maxJsonBytes(), services.dataApiSettings())
                .register(routing, table);
        new MetricsRoutes(services.metrics()).register(routing, table);
        new DocsRoutes().register(routing, table); // last: it checks the OpenAPI document against every route
        table.fallback(routing);
    }

    private static void problem(ServerRequest req, ServerResponse res, CairnException e) {
        if (res.isSent()) {
            LOG.warn("request {} failed after its response began: {}", requestId(req), e.getMessage());
            return;
        }
        HttpErrors.send(res, e.problem(), requestId(req));
    }

    private static void unexpected(ServerRequest req, ServerResponse res, Throwable e) {
        String id = requestId(req);
        if (e instanceof java.io.UncheckedIOException) {
            LOG.info("request {}: client connection lost: {}", id, e.getMessage());
            return;
        }
        LOG.error("request {} failed unexpectedly", id, e);
        if (!res.isSent()) {
            HttpErrors.send(res, Problem.of(ErrorCode.INTERNAL_ERROR,
                    "internal error; the server log has the details under request id " + id), id);
        }
    }

    private static String requestId(ServerRequest req) {
        return req.context().get(RequestInfo.class).map(RequestInfo::requestId).orElse("");
    }

    /** JSON bodies for errors Helidon answers itself, before any route runs. */
    static DirectHandlers directHandlers() {
        DirectHandler json = (request, event, status, headers, message) -> {
            ErrorCode code = switch (event) {
                case PAYLOAD_TOO_LARGE -> ErrorCode.PAYLOAD_TOO_LARGE;
                case FORBIDDEN -> ErrorCode.FORBIDDEN;
                case INTERNAL_ERROR -> ErrorCode.INTERNAL_ERROR;
                default -> ErrorCode.INVALID_REQUEST;
            };
            byte[] body = Json.bytes(Map.of("error", code.wireName(),
                    "message", message == null || message.isBlank() ? status.reasonPhrase() : message));
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .entity(body)
                    .keepAlive(event.keepAlive())
                    .build();
        };
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType event : DirectHandler.EventType.values()) {
            builder.addHandler(event, json);
        }
        return builder.build();
    }
}
