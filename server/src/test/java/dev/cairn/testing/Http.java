package dev.cairn.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A real HTTP client against a running gateway: JSON and multipart requests, parsed answers. */
public final class Http {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** A status, the headers and the body parsed as JSON (or a text node if it is not JSON). */
    public record Answer(int status, JsonNode body, java.net.http.HttpHeaders headers, String raw) {
        public String header(String name) {
            return headers.firstValue(name).orElse("");
        }

        @Override
        public String toString() {
            return status + " " + raw;
        }
    }

    private final java.util.function.Supplier<String> base;

    /** A client of a server whose port is known only once it started (see {@link ClassGateway}). */
    public Http(java.util.function.IntSupplier port) {
        this.base = () -> "http://127.0.0.1:" + port.getAsInt();
    }

    public Http(int port) {
        this(port, "127.0.0.1");
    }

    public Http(int port, String host) {
        String fixed = "http://" + host + ":" + port;
        this.base = () -> fixed;
    }

    public Answer get(String path, String... headers) {
        return send(request(path, headers).GET().build());
    }

    public Answer postJson(String path, Object body, String... headers) {
        String json = body instanceof String s ? s : write(body);
        return send(request(path, headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public Answer postRaw(String path, String contentType, byte[] body, String... headers) {
        return raw("POST", path, contentType, body, headers);
    }

    /** Any method with these exact bytes as its body. */
    public Answer raw(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = request(path, headers).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.build());
    }

    /** Any method, with a JSON body unless {@code body} is null. */
    public Answer json(String method, String path, Object body, String... headers) {
        HttpRequest.Builder b = request(path, headers);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : write(body)));
        }
        return send(b.build());
    }

    public Answer method(String method, String path) {
        return send(request(path).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    /** multipart/form-data as curl -F sends it; byte[] values become file parts. */
    public Answer postForm(String path, Map<String, Object> fields, String... headers) {
        String boundary = "----cairn" + UUID.randomUUID();
        var out = new ByteArrayOutputStream();
        fields.forEach((name, value) -> {
            out.writeBytes(("--" + boundary + "\r\n").getBytes(StandardCharsets.UTF_8));
            if (value instanceof byte[] bytes) {
                out.writeBytes(("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name
                        + ".tar.gz\"\r\nContent-Type: application/gzip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                out.writeBytes(bytes);
            } else {
                out.writeBytes(("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value)
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        });
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return postRaw(path, "multipart/form-data; boundary=" + boundary, out.toByteArray(), headers);
    }

    public Answer register(String platform, String tenant, byte[] bundle) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("platform", platform);
        if (tenant != null) {
            form.put("tenant_id", tenant);
        }
        form.put("schema", bundle);
        return postForm("/register", form);
    }

    public Answer call(String platform, String tenant, String function, Object params) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("platform", platform);
        if (tenant != null) {
            body.put("tenant_id", tenant);
        }
        body.put("function", function);
        body.put("params", params);
        return postJson("/call", body);
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.get() + path)).timeout(Duration.ofSeconds(120));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    private static Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), parse(r.body()), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }

    public static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
