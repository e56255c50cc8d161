package dev.cairn.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workflow server's REST contract as Cairn uses it: start a run, read one. Each attempt is held
 * to the timeout; a {@code 502}/{@code 503} or a refused connection is tried again with backoff (a
 * start the server never received cannot run twice); a timeout is not retried (the run may have
 * started) and becomes {@code 504 upstream_timeout}; any other failure {@code 502 upstream_failed}.
 * What the server said is passed on only as its status and a short, redacted message, never its
 * headers, the URL's credentials or Cairn's token.
 */
final class NoetlClient {

    private static final Logger LOG = LoggerFactory.getLogger(NoetlClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 300;
    private static final long BACKOFF_MILLIS = 200;

    private final HttpClient http;
    private final Duration timeout;
    private final int retries;

    NoetlClient(Duration timeout, int retries) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
        this.retries = retries;
    }

    /** An answer the server gave with a 2xx status, or the 404 it gave (the caller decides what that means). */
    record Reply(int status, JsonNode body) {
    }

    Reply post(Upstream upstream, String path, JsonNode body) {
        try {
            return send(upstream, HttpRequest.newBuilder(upstream.resolve(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), path);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    Reply get(Upstream upstream, String path) {
        return send(upstream, HttpRequest.newBuilder(upstream.resolve(path)).GET(), path);
    }

    private Reply send(Upstream upstream, HttpRequest.Builder request, String path) {
        request.timeout(timeout).header("Accept", "application/json");
        upstream.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpRequest built = request.build();
        for (int attempt = 0; ; attempt++) {
            boolean last = attempt >= retries;
            try {
                HttpResponse<byte[]> res = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
                int status = res.statusCode();
                if ((status == 502 || status == 503) && !last) {
                    backoff(attempt, upstream, path, "HTTP " + status);
                    continue;
                }
                return reply(upstream, path, status, res.body());
            } catch (HttpConnectTimeoutException | ConnectException e) {
                if (last) {
                    throw failed(upstream, path, Optional.empty(), "it could not be reached");
                }
                backoff(attempt, upstream, path, "no connection");
            } catch (HttpTimeoutException e) {
                throw new CairnException(Problem.of(ErrorCode.UPSTREAM_TIMEOUT, "the workflow server "
                        + upstream.describe() + " did not answer " + path + " within " + timeout.toMillis() + " ms")
                        .with("upstream", upstream.describe()));
            } catch (IOException e) {
                throw failed(upstream, path, Optional.empty(), "the connection failed (" + e.getClass().getSimpleName() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed(upstream, path, Optional.empty(), "interrupted");
            }
        }
    }

    private Reply reply(Upstream upstream, String path, int status, byte[] body) {
        if (status / 100 != 2 && status != 404) {
            throw failed(upstream, path, Optional.of(status), message(body, upstream));
        }
        JsonNode json;
        try {
            json = body.length == 0 ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            if (status == 404) {
                return new Reply(404, JSON.createObjectNode());
            }
            throw failed(upstream, path, Optional.of(status), "its answer is not a JSON object");
        }
        return new Reply(status, json);
    }

    private void backoff(int attempt, Upstream upstream, String path, String why) {
        long millis = BACKOFF_MILLIS << Math.min(attempt, 5);
        LOG.info("upstream {} {}: {}; trying again in {} ms", upstream.describe(), path, why, millis);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(upstream, path, Optional.empty(), "interrupted");
        }
    }

    private static CairnException failed(Upstream upstream, String path, Optional<Integer> status, String why) {
        Problem p = Problem.of(ErrorCode.UPSTREAM_FAILED, "the workflow server " + upstream.describe() + " failed "
                + path + status.map(s -> " with HTTP " + s).orElse("") + ": " + why).with("upstream", upstream.describe());
        return new CairnException(status.map(s -> p.with("upstream_status", s)).orElse(p));
    }

    /** The server's own words, if it gave any in JSON, cut short and with anything secret taken out. */
    static String message(byte[] body, Upstream upstream) {
        String text = "";
        try {
            JsonNode json = JSON.readTree(body);
            for (String field : new String[] {"detail", "error", "message"}) {
                if (json != null && json.path(field).isTextual()) {
                    text = json.path(field).textValue();
                    break;
                }
            }
        } catch (IOException e) {
            // not JSON: say nothing of it (an HTML error page, or worse, an echo of the request)
        }
        if (text.isEmpty()) {
            return "it gave no reason";
        }
        return redact(text, upstream);
    }

    static String redact(String text, Upstream upstream) {
        String out = text.replaceAll("(?i)(//)[^/@\\s]+@", "$1***@")
                .replaceAll("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]+", "$1***");
        if (upstream.token().isPresent() && !upstream.token().get().isEmpty()) {
            out = out.replace(upstream.token().get(), "***");
        }
        return out.length() > MAX_MESSAGE ? out.substring(0, MAX_MESSAGE) + "…" : out;
    }
}
