package dev.cairn.api;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GraphiQL for a browser's {@code GET /graphql}: the page and its assets (GraphiQL 2 and React 18,
 * their UMD builds from WebJars on the class path) served by Cairn itself, so the page works with
 * no internet and names no outside URL. The page points GraphiQL at {@code /graphql} with the
 * headers editor open on the two headers a request needs: the token and the tenant.
 */
final class GraphiQL {

    static final String ASSETS = GraphqlRoutes.PATH + "/assets/{file}";
    /** The only files served, by the name the page uses → where the WebJar keeps them. */
    private static final Map<String, String> FILES = Map.of(
            "graphiql.min.js", "graphiql/" + version("graphiql") + "/graphiql.min.js",
            "graphiql.min.css", "graphiql/" + version("graphiql") + "/graphiql.min.css",
            "react.production.min.js", "react/" + version("react") + "/umd/react.production.min.js",
            "react-dom.production.min.js", "react-dom/" + version("react-dom") + "/umd/react-dom.production.min.js");
    private static final Map<String, byte[]> LOADED = new ConcurrentHashMap<>();

    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Cairn GraphiQL</title>
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
              <link rel="stylesheet" href="/graphql/assets/graphiql.min.css">
              <script src="/graphql/assets/react.production.min.js"></script>
              <script src="/graphql/assets/react-dom.production.min.js"></script>
              <script src="/graphql/assets/graphiql.min.js"></script>
            </head>
            <body>
              <div id="graphiql">Loading GraphiQL…</div>
              <script>
                // Requests go to this gateway's /graphql with the headers from the Headers tab:
                // Authorization (a JWT, a platform token or a session) and x-tenant-id.
                var fetcher = GraphiQL.createFetcher({ url: window.location.origin + '/graphql' });
                var headers = JSON.stringify({ "Authorization": "Bearer <token>", "x-tenant-id": "<tenant>" }, null, 2);
                ReactDOM.createRoot(document.getElementById('graphiql')).render(
                  React.createElement(GraphiQL, {
                    fetcher: fetcher,
                    defaultHeaders: headers,
                    isHeadersEditorEnabled: true,
                    shouldPersistHeaders: true,
                    defaultEditorToolsVisibility: 'headers',
                    defaultQuery: '# Set your token and tenant in Headers below, then ask away.\\n{ __typename }\\n'
                  }));
              </script>
            </body>
            </html>
            """;

    private GraphiQL() {
    }

    static void assets(HttpRouting.Builder routing, RouteTable table) {
        table.get(routing, ASSETS, GraphiQL::asset);
    }

    /** A browser asks for a page; a GraphQL client asks for JSON. */
    static boolean wanted(ServerRequest req) {
        return req.headers().first(HeaderNames.ACCEPT).filter(a -> a.contains("text/html")).isPresent();
    }

    static void send(ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.send(PAGE.getBytes(StandardCharsets.UTF_8));
    }

    private static void asset(ServerRequest req, ServerResponse res) {
        String file = req.path().pathParameters().get("file");
        String path = FILES.get(file);
        if (path == null) {
            throw new CairnException(Problem.of(ErrorCode.ROUTE_NOT_FOUND, "no GraphiQL asset " + file));
        }
        byte[] bytes = LOADED.computeIfAbsent(path, GraphiQL::load);
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, file.endsWith(".css") ? "text/css; charset=utf-8"
                : "text/javascript; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "public, max-age=86400");
        res.send(bytes);
    }

    private static byte[] load(String path) {
        try (InputStream in = GraphiQL.class.getResourceAsStream("/META-INF/resources/webjars/" + path)) {
            if (in == null) {
                throw new IllegalStateException("GraphiQL asset missing from the class path: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A WebJar's version (in its assets' paths), from its Maven properties, so the POM alone decides it. */
    private static String version(String artifact) {
        try (InputStream in = GraphiQL.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/" + artifact
                + "/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("WebJar " + artifact + " is missing from the class path");
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
