import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Service-call round trips through Cairn's realm mesh (caller -> Cairn -> provider -> Cairn ->
 * caller, each a WebSocket) against plain NATS request-reply on the same machine (the floor).
 *
 * <p>{@code setup}: realms, a policy, one provider member and {@code --callers} caller members over
 * the REST routes at {@code --base} (admin token {@code --admin}); their tokens, one per line
 * (the provider first), to {@code --out}.
 *
 * <p>{@code mesh}: the provider answers every {@code service-request} at once with its input; each
 * caller is its own connection and thread, one call in flight at a time; {@code --warmup} calls per
 * caller unrecorded, then {@code --n} recorded in total. {@code nats}: the same shape on NATS: one
 * responder connection, one requester connection per caller thread, the same payload.
 *
 * <p>Prints a line for people and {@code KV key value} lines (p50_ms, p99_ms, cps, errors).
 */
public final class MeshBench {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PAYLOAD = "{\"n\":1,\"text\":\"ping from the mesh benchmark\"}";

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(Arrays.copyOfRange(args, 1, args.length));
        switch (args.length == 0 ? "" : args[0]) {
            case "setup" -> setup(o.get("base"), o.get("admin"), Integer.parseInt(o.getOrDefault("callers", "32")),
                    Path.of(o.get("out")));
            case "mesh" -> System.exit(mesh(o));
            case "nats" -> System.exit(nats(o));
            default -> throw new IllegalArgumentException("usage: MeshBench setup|mesh|nats [--options]");
        }
    }

    // ---- setup ---------------------------------------------------------------------------------

    static void setup(String base, String admin, int callers, Path out) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String run = "b" + Long.toHexString(System.nanoTime() & 0xffffff);
        post(http, base, admin, "/api/policies", Map.of("name", run + "-inbound", "type", "capability-access",
                "config", Map.of("rules", List.of(Map.of("capability", "bench", "operations", List.of("call"),
                        "direction", "inbound", "allowFrom", Map.of("realmIds", List.of(run + ".callers")))))));
        post(http, base, admin, "/api/realms", Map.of("realmId", run + ".root", "realmType", "root"));
        post(http, base, admin, "/api/realms", Map.of("realmId", run + ".callers", "parentRealmId", run + ".root"));
        post(http, base, admin, "/api/realms", Map.of("realmId", run + ".providers", "parentRealmId", run + ".root",
                "policies", List.of(run + "-inbound")));
        List<String> tokens = new ArrayList<>();
        tokens.add(token(http, base, post(http, base, admin, "/api/members", Map.of("name", "echo",
                "realmId", run + ".providers", "memberType", "provider")).path("apiKey").asText()));
        for (int i = 0; i < callers; i++) {
            tokens.add(token(http, base, post(http, base, admin, "/api/members", Map.of("name", "caller-" + i,
                    "realmId", run + ".callers", "memberType", "consumer")).path("apiKey").asText()));
        }
        Files.write(out, tokens);
        System.out.println("setup: realms " + run + ".*, " + callers + " callers");
    }

    static String token(HttpClient http, String base, String apiKey) throws Exception {
        return post(http, base, null, "/api/auth/token", Map.of("apiToken", apiKey)).path("token").asText();
    }

    static JsonNode post(HttpClient http, String base, String admin, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (admin != null) {
            b.header("authorization", "Bearer " + admin);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    // ---- mesh ----------------------------------------------------------------------------------

    /** One WebSocket: frames in arrive on a queue; sends are one at a time, as the JDK client requires. */
    static final class Socket implements WebSocket.Listener {
        final BlockingQueue<JsonNode> in = new LinkedBlockingQueue<>();
        final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        static Socket open(String url) {
            Socket s = new Socket();
            // Frames are handed to the listener on the client's own I/O thread: no executor hop per frame
            // (the NATS client's reader thread hands its messages over the same way).
            s.ws = HttpClient.newBuilder().executor(Runnable::run).build().newWebSocketBuilder()
                    .buildAsync(URI.create(url), s).join();
            return s;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    in.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        synchronized void send(String text) {
            ws.sendText(text, true).join();
        }

        JsonNode await(String type) throws InterruptedException {
            while (true) {
                JsonNode f = in.poll(10, TimeUnit.SECONDS);
                if (f == null) {
                    throw new IllegalStateException("no " + type + " within 10 s");
                }
                if (f.path("type").asText().equals(type)) {
                    return f;
                }
            }
        }

        void handshake(String services) throws InterruptedException {
            send("{\"type\":\"member-handshake\",\"payload\":{\"capabilities\":{\"provides\":{\"services\":" + services + "}}}}");
            await("member-handshake-ack");
        }
    }

    static int mesh(Map<String, String> o) throws Exception {
        String ws = o.get("ws");
        List<String> tokens = Files.readAllLines(Path.of(o.get("tokens")));
        int callers = Integer.parseInt(o.getOrDefault("callers", "32"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "200"));
        int n = Integer.parseInt(o.getOrDefault("n", "50000"));
        Socket provider = Socket.open(ws + "?token=" + tokens.get(0));
        provider.handshake("[{\"name\":\"echo\",\"capability\":\"bench\"}]");
        Thread serving = Thread.ofPlatform().daemon().start(() -> serve(provider));
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            Socket s = Socket.open(ws + "?token=" + tokens.get(1 + i));
            s.handshake("[]");
            sockets.add(s);
        }
        return measure(callers, warmup, n, "mesh", i -> {
            Socket s = sockets.get(i);
            AtomicLong seq = new AtomicLong();
            return () -> {
                String id = "c" + seq.incrementAndGet();
                s.send("{\"type\":\"service-call\",\"payload\":{\"requestId\":\"" + id
                        + "\",\"capability\":\"bench\",\"serviceName\":\"echo\",\"timeout\":10000,\"input\":" + PAYLOAD + "}}");
                JsonNode r = s.await("service-response");
                return r.path("payload").has("result") && r.path("payload").path("requestId").asText().equals(id);
            };
        });
    }

    /** The provider: every request answered at once with its input. */
    static void serve(Socket provider) {
        try {
            while (true) {
                JsonNode f = provider.in.take();
                if (!f.path("type").asText().equals("service-request")) {
                    continue;
                }
                ObjectNode reply = JSON.createObjectNode().put("type", "service-response");
                ObjectNode payload = reply.putObject("payload").put("requestId", f.path("payload").path("requestId").asText());
                payload.set("result", f.path("payload").path("input"));
                provider.send(reply.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- nats ----------------------------------------------------------------------------------

    static int nats(Map<String, String> o) throws Exception {
        String url = o.getOrDefault("nats", "nats://127.0.0.1:4222");
        int callers = Integer.parseInt(o.getOrDefault("callers", "32"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "200"));
        int n = Integer.parseInt(o.getOrDefault("n", "50000"));
        String subject = "bench.mesh.echo." + Long.toHexString(System.nanoTime());
        Connection responder = Nats.connect(url);
        Dispatcher d = responder.createDispatcher(m -> responder.publish(m.getReplyTo(), m.getData()));
        d.subscribe(subject);
        responder.flush(Duration.ofSeconds(5));
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            connections.add(Nats.connect(url));
        }
        byte[] body = PAYLOAD.getBytes();
        int rc = measure(callers, warmup, n, "nats", i -> {
            Connection c = connections.get(i);
            return () -> {
                var m = c.request(subject, body, Duration.ofSeconds(10));
                return m != null && m.getData().length == body.length;
            };
        });
        for (Connection c : connections) {
            c.close();
        }
        responder.close();
        return rc;
    }

    // ---- measuring -----------------------------------------------------------------------------

    interface Call {
        boolean run() throws Exception;
    }

    /**
     * {@code callers} threads, each {@code warmup} calls unrecorded, then {@code n} recorded calls in
     * total taken from one counter, so the faster threads do more (closed loop, like wrk).
     */
    static int measure(int callers, int warmup, int n, String name, java.util.function.IntFunction<Call> make)
            throws Exception {
        long[] latencies = new long[n];
        AtomicLong next = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        CountDownLatch warmed = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(callers);
        long[] window = new long[2];
        for (int t = 0; t < callers; t++) {
            Call call = make.apply(t);
            Thread.ofPlatform().start(() -> {
                boolean counted = false;
                try {
                    for (int i = 0; i < warmup; i++) {
                        call.run();
                    }
                    warmed.countDown();
                    counted = true;
                    go.await();
                    long i;
                    while ((i = next.getAndIncrement()) < n) {
                        long s = System.nanoTime();
                        boolean ok = call.run();
                        latencies[(int) i] = System.nanoTime() - s;
                        if (!ok) {
                            errors.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    e.printStackTrace();
                } finally {
                    if (!counted) {
                        warmed.countDown();
                    }
                    done.countDown();
                }
            });
        }
        warmed.await();
        window[0] = System.nanoTime();
        go.countDown();
        done.await();
        window[1] = System.nanoTime();
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        double seconds = (window[1] - window[0]) / 1e9;
        double p50 = sorted[(int) (n * 0.50)] / 1e6;
        double p99 = sorted[(int) Math.min(n - 1, n * 0.99)] / 1e6;
        double p999 = sorted[(int) Math.min(n - 1, n * 0.999)] / 1e6;
        double cps = n / seconds;
        System.out.printf(Locale.ROOT, "%s: %d callers, %d calls in %.2f s: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, %.0f calls/s, %d errors%n",
                name, callers, n, seconds, p50, p99, p999, cps, errors.get());
        System.out.printf(Locale.ROOT, "KV p50_ms %.3f%nKV p99_ms %.3f%nKV p999_ms %.3f%nKV cps %.0f%nKV errors %d%n",
                p50, p99, p999, cps, errors.get());
        return errors.get() == 0 ? 0 : 1;
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return o;
    }
}
