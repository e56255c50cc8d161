package dev.cairn.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.nats.client.Connection;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A workflow server speaking NoETL's REST contract on a local port: {@code POST /api/execute
 * {path, payload}} (and the older {@code POST /api/run/playbook {path, args}}) start a run,
 * {@code GET /api/executions/{id}} reads one, and progress goes out on NATS
 * {@code playbooks.executions.<id>.events}. It records every request it receives, and can be told
 * to fail the next few ({@code 503}), to be slow, or to answer an error that echoes a secret.
 */
public final class TestNoetl implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the server received it. */
    public record Received(String method, String path, Map<String, List<String>> headers, JsonNode body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse("");
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, ObjectNode> executions = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger(1000);
    private final AtomicInteger failNext = new AtomicInteger();
    private volatile int failStatus = 503;
    private volatile long delayMillis;
    private volatile String errorBody = "";

    private TestNoetl() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/", this::handle);
        server.start();
    }

    public static TestNoetl start() {
        try {
            return new TestNoetl();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> starts() {
        return received.stream().filter(r -> r.method().equals("POST")).toList();
    }

    public void clear() {
        received.clear();
    }

    /** The next {@code n} requests answer {@code status} (with {@link #errorBody} as their body). */
    public void failNext(int n, int status) {
        failStatus = status;
        failNext.set(n);
    }

    public void errorBody(String body) {
        errorBody = body;
    }

    public void delay(long millis) {
        delayMillis = millis;
    }

    /** The run finishes: its status and result, for the next read, and a last event on NATS. */
    public void finish(String executionId, JsonNode result, Connection nats, String prefix) {
        ObjectNode run = executions.get(executionId);
        run.put("status", "COMPLETED");
        run.set("result", result);
        progress(nats, prefix, executionId, "end", "COMPLETED", result);
    }

    /** One progress event on NATS, as the workflow server publishes it. */
    public static void progress(Connection nats, String prefix, String executionId, String step, String status,
                                JsonNode data) {
        ObjectNode event = JSON.createObjectNode().put("execution_id", executionId).put("node_name", step)
                .put("status", status);
        event.set("data", data);
        nats.publish(prefix + executionId + ".events", event.toString().getBytes(StandardCharsets.UTF_8));
        try {
            nats.flush(java.time.Duration.ofSeconds(2));
        } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        JsonNode body = raw.length == 0 ? JSON.nullNode() : JSON.readTree(raw);
        String path = ex.getRequestURI().getPath();
        received.add(new Received(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body));
        sleep(delayMillis);
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            send(ex, failStatus, errorBody);
            return;
        }
        if (ex.getRequestMethod().equals("POST") && (path.equals("/api/execute") || path.equals("/api/run/playbook"))) {
            String id = Integer.toString(ids.incrementAndGet());
            ObjectNode run = JSON.createObjectNode().put("execution_id", id).put("path", body.path("path").asText())
                    .put("status", "RUNNING");
            executions.put(id, run);
            send(ex, 200, JSON.createObjectNode().put("execution_id", id).put("status", "RUNNING").toString());
        } else if (ex.getRequestMethod().equals("GET") && path.startsWith("/api/executions/")) {
            ObjectNode run = executions.get(path.substring("/api/executions/".length()));
            send(ex, run == null ? 404 : 200, run == null ? "{\"detail\":\"not found\"}" : run.toString());
        } else {
            send(ex, 404, "{\"detail\":\"no such route\"}");
        }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        if (millis > 0) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
