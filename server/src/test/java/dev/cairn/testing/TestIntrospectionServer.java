package dev.cairn.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OAuth2 authorization server's token introspection endpoint (RFC 7662) for tests, on a local
 * port: it authenticates its caller by HTTP Basic ({@link #CLIENT_ID}, {@link #CLIENT_SECRET}),
 * answers {@code {"active":false}} for a token it was not told of, and counts the requests it
 * answered, so a test can see answers being cached. It can be made to fail ({@link #failWith}),
 * answer something other than JSON ({@link #answerRaw}) or answer late ({@link #delay}).
 */
public final class TestIntrospectionServer implements AutoCloseable {

    public static final String CLIENT_ID = "cairn-gateway";
    public static final String CLIENT_SECRET = "introspection-secret-0123456789";
    public static final String PATH = "/oauth2/introspect";

    private final HttpServer server;
    private final Map<String, Map<String, Object>> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger hits = new AtomicInteger();
    private final AtomicReference<Map<String, String>> lastForm = new AtomicReference<>(Map.of());
    private volatile int failWith;
    private volatile String raw;
    private volatile Duration delay = Duration.ZERO;

    private TestIntrospectionServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(PATH, this::introspect);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public static TestIntrospectionServer start() {
        try {
            return new TestIntrospectionServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    /** The settings that make a gateway introspect its tokens here. */
    public Map<String, String> env() {
        return Map.of("OAUTH2_INTROSPECTION_URL", url(), "OAUTH2_CLIENT_ID", CLIENT_ID,
                "OAUTH2_CLIENT_SECRET", CLIENT_SECRET);
    }

    /** The answer for this token: {@code active} and whatever claims are given. */
    public void answer(String token, Map<String, Object> claims) {
        tokens.put(token, Map.copyOf(claims));
    }

    /** An active token for this subject, with these scopes, expiring in {@code lifetime}. */
    public void active(String token, String subject, String scope, Duration lifetime) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("active", true);
        claims.put("sub", subject);
        claims.put("scope", scope);
        claims.put("client_id", "shop-frontend");
        claims.put("exp", java.time.Instant.now().plus(lifetime).getEpochSecond());
        answer(token, claims);
    }

    public void failWith(int status) {
        this.failWith = status;
    }

    public void answerRaw(String body) {
        this.raw = body;
    }

    public void delay(Duration delay) {
        this.delay = delay;
    }

    /** Answers as told by {@link #answer} again: no failure, no raw body, no delay. */
    public void behave() {
        failWith = 0;
        raw = null;
        delay = Duration.ZERO;
    }

    public int hits() {
        return hits.get();
    }

    /** The form the last request sent ({@code token}, {@code token_type_hint}). */
    public Map<String, String> lastForm() {
        return lastForm.get();
    }

    private void introspect(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            String expected = "Basic " + Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET)
                    .getBytes(StandardCharsets.UTF_8));
            if (!"POST".equals(ex.getRequestMethod()) || !expected.equals(ex.getRequestHeaders().getFirst("Authorization"))
                    || !ex.getRequestHeaders().getFirst("Content-Type").startsWith("application/x-www-form-urlencoded")) {
                send(ex, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            hits.incrementAndGet();
            lastForm.set(form);
            Thread.sleep(delay.toMillis());
            if (failWith != 0) {
                send(ex, failWith, "{\"error\":\"server_error\",\"token\":\"" + form.get("token") + "\"}");
            } else if (raw != null) {
                send(ex, 200, raw);
            } else {
                send(ex, 200, Http.JSON.writeValueAsString(tokens.getOrDefault(form.getOrDefault("token", ""),
                        Map.of("active", false))));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            List<String> kv = List.of(pair.split("=", 2));
            if (kv.size() == 2) {
                out.put(URLDecoder.decode(kv.get(0), StandardCharsets.UTF_8), URLDecoder.decode(kv.get(1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        } catch (IOException e) {
            // the client gave up (a timeout test): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
