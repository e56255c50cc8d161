package dev.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Cairn server over HTTP. Every request carries the bearer token when one is set. With a wait
 * budget, a refused connection or a 503 is retried with exponential backoff until the budget is
 * spent (a server still starting, in a container start script); without one, the first refusal is
 * final. A non-2xx answer becomes a {@link CliException} carrying the server's error body.
 */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 2_000;

    private final URI base;
    private final Optional<String> token;
    private final Duration wait;
    private final HttpClient client;

    Api(String url, Optional<String> token, Duration wait) {
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.token = token.filter(t -> !t.isBlank());
        this.wait = wait;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT).build();
    }

    /** A 2xx answer: status and body (empty for 204). */
    record Reply(int status, byte[] body) {

        JsonNode json() {
            if (body.length == 0) {
                return JSON.createObjectNode();
            }
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new CliException(Exit.SERVER, "the server answered something that is not JSON: "
                        + new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8));
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    URI base() {
        return base;
    }

    Reply get(String path) {
        return checked(send(request(path).GET(), HttpResponse.BodyHandlers.ofByteArray()));
    }

    Reply postJson(String path, Object body) {
        return postJson(path, body, Map.of());
    }

    /** With request headers of the caller's own, such as {@code Prefer: respond-async}. */
    Reply postJson(String path, Object body, Map<String, String> headers) {
        return json("POST", path, body, headers);
    }

    Reply deleteJson(String path, Object body) {
        return json("DELETE", path, body, Map.of());
    }

    private Reply json(String method, String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder builder = request(path).header("Content-Type", "application/json");
        headers.forEach(builder::header);
        return checked(send(builder.method(method, HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))),
                HttpResponse.BodyHandlers.ofByteArray()));
    }

    Reply postForm(String path, Form form) {
        return checked(send(request(path).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.body())), HttpResponse.BodyHandlers.ofByteArray()));
    }

    /** A streamed answer (NDJSON), one line at a time as the server writes them; close the stream when done. */
    Stream<String> lines(String path) {
        HttpResponse<Stream<String>> res = send(request(path).header("Accept", "application/x-ndjson").GET(),
                HttpResponse.BodyHandlers.ofLines());
        if (res.statusCode() / 100 != 2) {
            byte[] body;
            try (Stream<String> lines = res.body()) {
                body = String.join("\n", lines.toList()).getBytes(StandardCharsets.UTF_8);
            }
            throw ServerErrors.of(res.statusCode(), body);
        }
        return res.body();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private static Reply checked(HttpResponse<byte[]> res) {
        if (res.statusCode() / 100 != 2) {
            throw ServerErrors.of(res.statusCode(), res.body());
        }
        return new Reply(res.statusCode(), res.body());
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder builder, HttpResponse.BodyHandler<T> handler) {
        HttpRequest request = builder.build();
        long deadline = System.nanoTime() + wait.toNanos();
        long backoff = FIRST_BACKOFF_MS;
        while (true) {
            try {
                HttpResponse<T> res = client.send(request, handler);
                if (res.statusCode() != 503 || System.nanoTime() >= deadline) {
                    return res;
                }
                discard(res);
            } catch (ConnectException | HttpConnectTimeoutException e) {
                if (System.nanoTime() >= deadline) {
                    throw unreachable(e);
                }
            } catch (IOException e) {
                throw new CliException(Exit.UNREACHABLE, "cairn: the connection to " + base + " failed: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(Exit.UNREACHABLE, "cairn: interrupted");
            }
            // The last try comes right at the deadline, so a server that is up by then is found.
            sleep(Math.max(1, Math.min(backoff, (deadline - System.nanoTime()) / 1_000_000)));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    private CliException unreachable(IOException e) {
        String waited = wait.isZero() ? " (use --wait 60s to wait for it)" : " after waiting " + Durations.format(wait);
        return new CliException(Exit.UNREACHABLE, "cannot reach the Cairn server at " + base + waited
                + ": " + (e.getMessage() == null ? "connection refused" : e.getMessage()));
    }

    private static void discard(HttpResponse<?> res) {
        if (res.body() instanceof Stream<?> s) {
            s.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(Exit.UNREACHABLE, "cairn: interrupted");
        }
    }
}
