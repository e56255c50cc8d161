package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /openapi.json} (the hand-written document of every route) and {@code GET /docs} (a
 * self-contained page that renders it). Registered last, it compares the document with the
 * routes actually served and refuses to start when they differ, so the document cannot drift.
 */
final class DocsRoutes {

    /**
     * Documented routes another face registers after this one (or that a build may not serve yet):
     * their absence from the table is not a mismatch. If they are registered earlier they are
     * checked like any other.
     */
    static final Set<MatchedRoute> REGISTERED_ELSEWHERE = Set.of(new MatchedRoute("GET", "/metrics"),
            new MatchedRoute("GET", EventRoutes.PATH), // the WebSocket endpoints, on the server's WebSocket routing
            new MatchedRoute("GET", MeshSocket.PATH), new MatchedRoute("GET", MeshSocket.MONITOR));

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    private final byte[] document;
    private final byte[] page;

    DocsRoutes() {
        this.document = resource("/openapi.json");
        this.page = resource("/docs/index.html");
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.get(routing, "/openapi.json", (req, res) -> send(res, "application/json", document));
        table.get(routing, "/docs", (req, res) -> send(res, "text/html; charset=utf-8", page));
        check(documented(document), table.routes());
    }

    /** Every (method, path) pair of an OpenAPI document. */
    static Set<MatchedRoute> documented(byte[] document) {
        JsonNode paths;
        try {
            paths = Json.MAPPER.readTree(document).path("paths");
        } catch (IOException e) {
            throw new IllegalStateException("openapi.json is not valid JSON: " + e.getMessage(), e);
        }
        Set<MatchedRoute> out = new LinkedHashSet<>();
        paths.properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (METHODS.contains(method)) {
                out.add(new MatchedRoute(method.toUpperCase(Locale.ROOT), path.getKey()));
            }
        }));
        return out;
    }

    /** Throws, naming every difference, unless the document and the served routes agree. */
    static void check(Set<MatchedRoute> documented, Collection<MatchedRoute> served) {
        Set<String> undocumented = new TreeSet<>();
        for (MatchedRoute r : served) {
            if (!documented.contains(r)) {
                undocumented.add(r.method() + " " + r.template());
            }
        }
        Set<String> unserved = new TreeSet<>();
        for (MatchedRoute r : documented) {
            if (!served.contains(r) && !REGISTERED_ELSEWHERE.contains(r)) {
                unserved.add(r.method() + " " + r.template());
            }
        }
        List<String> problems = new ArrayList<>();
        if (!undocumented.isEmpty()) {
            problems.add("served but not in openapi.json: " + String.join(", ", undocumented));
        }
        if (!unserved.isEmpty()) {
            problems.add("in openapi.json but not served: " + String.join(", ", unserved));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("openapi.json does not match the routes; " + String.join("; ", problems));
        }
    }

    private static void send(ServerResponse res, String contentType, byte[] body) {
        res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, contentType);
        res.send(body);
    }

    private static byte[] resource(String name) {
        try (InputStream in = DocsRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
