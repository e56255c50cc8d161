package dev.cairn.api;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Registers routes with Helidon and remembers them, so that a request no route takes gets a
 * JSON 405 (with {@code Allow}) when the path exists under another method, and a JSON 404
 * otherwise, never the framework's plain-text page. Each request a route takes carries its
 * {@link MatchedRoute} in its context (for metrics and logs, which must not label by raw path),
 * and {@link #routes()} lists what is served (the OpenAPI document is checked against it).
 */
final class RouteTable {

    private record Entry(Method method, PathMatcher path, MatchedRoute route) {
    }

    private final List<Entry> entries = new ArrayList<>();

    void get(HttpRouting.Builder routing, String path, Handler handler) {
        add(routing, Method.GET, path, handler);
    }

    void post(HttpRouting.Builder routing, String path, Handler handler) {
        add(routing, Method.POST, path, handler);
    }

    void patch(HttpRouting.Builder routing, String path, Handler handler) {
        add(routing, Method.PATCH, path, handler);
    }

    void delete(HttpRouting.Builder routing, String path, Handler handler) {
        add(routing, Method.DELETE, path, handler);
    }

    void put(HttpRouting.Builder routing, String path, Handler handler) {
        add(routing, Method.PUT, path, handler);
    }

    private void add(HttpRouting.Builder routing, Method method, String path, Handler handler) {
        add(routing, method, path, path, handler);
    }

    /**
     * A route documented as {@code template} but matched by {@code pattern}: a {@code {+id}} that takes
     * the rest of the path, for ids that hold {@code /} (Helidon matches the decoded path, so an id
     * sent as {@code acme%2Fclinic-1} arrives as two segments).
     */
    void add(HttpRouting.Builder routing, Method method, String template, String pattern, Handler handler) {
        MatchedRoute route = new MatchedRoute(method.text(), template);
        entries.add(new Entry(method, PathMatchers.create(pattern), route));
        routing.route(method, pattern, (req, res) -> {
            req.context().register(route);
            req.context().get(RequestIdentity.class).ifPresent(identity -> identity.throttle(route.template(),
                    req.headers().first(DataScopes.TENANT), res::header));
            handler.handle(req, res);
        });
    }

    /** Every route registered so far, in registration order. */
    List<MatchedRoute> routes() {
        return entries.stream().map(Entry::route).toList();
    }

    /** Registered last: answers every request no route took. */
    void fallback(HttpRouting.Builder routing) {
        routing.any(this::unmatched);
    }

    private void unmatched(ServerRequest req, ServerResponse res) {
        TreeSet<String> allowed = new TreeSet<>();
        for (Entry e : entries) {
            if (e.path().match(req.path()).accepted()) {
                allowed.add(e.method().text());
            }
        }
        if (allowed.isEmpty()) {
            throw new CairnException(Problem.of(ErrorCode.ROUTE_NOT_FOUND,
                    "no route " + req.prologue().method().text() + " " + req.path().path()));
        }
        res.header(HeaderNames.ALLOW, String.join(", ", allowed));
        throw new CairnException(Problem.of(ErrorCode.METHOD_NOT_ALLOWED, req.path().path() + " takes "
                + String.join(", ", allowed) + ", not " + req.prologue().method().text()));
    }
}
