package dev.cairn.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A real WebSocket client (the JDK's) of {@code /v1/events} or another path: frames it received, in order, and
 * the close code. {@code reading = false} makes it a subscriber that never reads.
 */
public final class WsClient implements AutoCloseable {

    private final BlockingQueue<JsonNode> frames;
    private final CompletableFuture<Integer> closed;
    private final WebSocket socket;

    private WsClient(WebSocket socket, BlockingQueue<JsonNode> frames, CompletableFuture<Integer> closed) {
        this.socket = socket;
        this.frames = frames;
        this.closed = closed;
    }

    public static WsClient open(int port, String query, boolean reading, String... headers) {
        return open(port, "/v1/events", query, reading, List.of(), headers);
    }

    /** A client of any WebSocket path, offering these subprotocols. */
    public static WsClient open(int port, String path, String query, boolean reading, List<String> subprotocols,
                                String... headers) {
        return open(HttpClient.newHttpClient(), URI.create("ws://127.0.0.1:" + port + path + query), reading,
                subprotocols, headers);
    }

    /** A reading client over TLS ({@code wss:}), with this context's trust and client certificate. */
    public static WsClient openTls(SSLContext tls, int port, String pathAndQuery, String... headers) {
        return open(HttpClient.newBuilder().sslContext(tls).build(), URI.create("wss://127.0.0.1:" + port + pathAndQuery),
                true, List.of(), headers);
    }

    private static WsClient open(HttpClient client, URI uri, boolean reading, List<String> subprotocols,
                                 String... headers) {
        BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        StringBuilder partial = new StringBuilder();
        WebSocket.Builder builder = client.newWebSocketBuilder();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.getFirst(), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        WebSocket socket = builder.buildAsync(uri,
                new WebSocket.Listener() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        if (reading) { // a client that never asks for frames gets none, and its socket fills up
                            ws.request(Long.MAX_VALUE);
                        }
                    }

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                frames.add(Http.JSON.readTree(partial.toString()));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            partial.setLength(0);
                        }
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket ws, Throwable error) {
                        closed.complete(-1);
                    }
                }).join();
        return new WsClient(socket, frames, closed);
    }

    public void send(Map<String, Object> frame) {
        socket.sendText(Http.write(frame), true).join();
    }

    /** Any text, JSON or not. */
    public void sendRaw(String text) {
        socket.sendText(text, true).join();
    }

    /** The subprotocol the server chose (empty: none). */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /** The next frame, within {@code timeout}; fails when none comes. */
    public JsonNode next(Duration timeout) {
        try {
            JsonNode frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + timeout);
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame that is not a ping. */
    public JsonNode nextNonPing(Duration timeout) {
        JsonNode frame = next(timeout);
        while (frame.path("type").asText().equals("ping")) {
            frame = next(timeout);
        }
        return frame;
    }

    /** The next {@code n} event frames (pings and acks skipped). */
    public List<JsonNode> events(int n, Duration timeout) {
        List<JsonNode> out = new ArrayList<>();
        while (out.size() < n) {
            JsonNode frame = next(timeout);
            if (frame.path("type").asText().equals("event")) {
                out.add(frame);
            }
        }
        return out;
    }

    /** Frames already received and not yet taken. */
    public List<JsonNode> drain() {
        List<JsonNode> out = new ArrayList<>();
        frames.drainTo(out);
        return out;
    }

    /** A client made with {@code reading = false} starts reading now. */
    public void startReading() {
        socket.request(Long.MAX_VALUE);
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public int closeCode(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    @Override
    public void close() {
        socket.abort();
    }
}
