import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The client side of bench/events.sh: wakes the relay and times it, reads the stream back to check
 * it, paces data-API writes and measures how long their events take to reach JetStream, and
 * deletes the run's stream. Run as a single-file program with the server's {@code lib/} on the
 * class path (jnats, pgjdbc, Jackson):
 *
 * <pre>java -cp 'server/target/lib/*' bench/src/EventsBench.java MODE --name value ...</pre>
 *
 * <p>Modes (every one takes {@code --nats URL --stream NAME}):
 * <ul>
 * <li>{@code relay --filter SUBJECTS --base URL --token T --platform P --tenants t1,t2 --expect N
 *     [--timeout S] [--out FILE]}: one data-API write per tenant, all at once (t0 before the
 *     first is sent), then polls the stream every 5 ms until it holds {@code N} more messages on
 *     {@code SUBJECTS} than before (t1). {@code --out}: "ms since t0, messages" every 100 ms.</li>
 * <li>{@code verify --filter SUBJECTS --jdbc-base jdbc:postgresql://h:p/ --user U --databases d1,d2}:
 *     reads every message on {@code SUBJECTS} with an ordered consumer and compares it with every
 *     outbox row of the databases: counts, distinct ids, duplicates, ids missing or extra, rows
 *     still unpublished, and the order of {@code outboxSeq} per aggregate.</li>
 * <li>{@code latency --filter SUBJECTS --base --token --platform --tenants --rate R --seconds S
 *     [--warmup-seconds W] --threads T --tag X [--out FILE]}: R single-row creates per second for
 *     W + S seconds, paced by schedule over T threads (each its own HTTP/1.1 connection),
 *     round-robin over the tenants; then reads their events from the stream and reports, for the
 *     last S seconds' writes, the JetStream stored timestamp minus the event's {@code occurredAt}
 *     per event. {@code --out}: one latency (ms) a line.</li>
 * <li>{@code delete (--name NAME | --prefix P)}: deletes the stream, or every stream whose name
 *     starts with P (a killed run's); prints what it deleted.</li>
 * </ul>
 *
 * <p>Prints {@code KV key value} lines that bench/events.sh parses. Exit status 1 on a failed
 * request or a timeout.
 */
public final class EventsBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: EventsBench relay|verify|latency|delete --name value ...");
        }
        Map<String, String> o = options(Arrays.copyOfRange(args, 1, args.length));
        Options nats = Options.builder().server(o.getOrDefault("nats", "nats://127.0.0.1:4222"))
                .connectionName("cairn-benchev").connectionTimeout(Duration.ofSeconds(5))
                .errorListener(new ErrorListener() { // errors only: not the ordered consumer's flow-control notes
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        System.err.println("NATS: " + error);
                    }

                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        System.err.println("NATS: " + exp);
                    }
                })
                .build();
        int status;
        try (Connection nc = Nats.connect(nats)) {
            status = switch (args[0]) {
                case "relay" -> relay(nc, o);
                case "verify" -> verify(nc, o);
                case "latency" -> latency(nc, o);
                case "delete" -> delete(nc, o);
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            };
        }
        System.exit(status);
    }

    // ---- relay: wake every tenant, time until the stream holds them all ---------------------------

    private static int relay(Connection nc, Map<String, String> o) throws Exception {
        String stream = o.get("stream");
        String filter = o.get("filter");
        long expect = Long.parseLong(o.get("expect"));
        long timeoutNanos = Duration.ofSeconds(Long.parseLong(o.getOrDefault("timeout", "600"))).toNanos();
        List<String> tenants = List.of(o.get("tenants").split(","));
        JetStreamManagement jsm = nc.jetStreamManagement();
        long before = count(jsm, stream, filter);
        long target = before + expect;
        kv("before", before);

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        // Loads and warms the HTTP client, so that t0 is not the client's class loading.
        http.send(HttpRequest.newBuilder(URI.create(o.get("base") + "/health")).build(),
                HttpResponse.BodyHandlers.discarding());
        String run = Long.toString(System.nanoTime(), 36);

        List<long[]> progress = new ArrayList<>();
        Instant t0Wall = Instant.now();
        long t0 = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> wakes = new ArrayList<>();
        for (String tenant : tenants) {
            wakes.add(http.sendAsync(create(o, tenant, "wake-" + run + "-" + tenant,
                    "{\"name\":\"wake\",\"qty\":0}"), HttpResponse.BodyHandlers.ofString()));
        }
        int failed = 0;
        for (int i = 0; i < wakes.size(); i++) {
            HttpResponse<String> r = wakes.get(i).join();
            if (r.statusCode() != 201) {
                failed++;
                System.out.println("wake " + tenants.get(i) + ": HTTP " + r.statusCode() + ": " + abbreviate(r.body()));
            }
        }
        long woken = System.nanoTime();
        long now = before;
        long nextSample = 0;
        while (now < target && System.nanoTime() - t0 < timeoutNanos) {
            now = count(jsm, stream, filter);
            long elapsed = System.nanoTime() - t0;
            if (elapsed >= nextSample) {
                progress.add(new long[] {elapsed / 1_000_000, now - before});
                nextSample += 100_000_000;
            }
            if (now < target) {
                Thread.sleep(5);
            }
        }
        long t1 = System.nanoTime();
        progress.add(new long[] {(t1 - t0) / 1_000_000, now - before});
        double seconds = (t1 - t0) / 1e9;
        kv("after", now);
        kv("events", now - before);
        kv("expected", expect);
        kv("seconds", seconds);
        kv("events_per_s", (now - before) / seconds);
        kv("wake_ms", (woken - t0) / 1e6);
        kv("wake_failed", failed);
        kv("t0_epoch_ms", t0Wall.toEpochMilli());
        kv("complete", now >= target ? 1 : 0);
        // The best 1-second window of the progress samples (every 100 ms).
        double best = 0;
        for (int i = 0, j = 0; i < progress.size(); i++) {
            while (j < progress.size() && progress.get(j)[0] - progress.get(i)[0] < 1000) {
                j++;
            }
            if (j < progress.size()) {
                long dt = progress.get(j)[0] - progress.get(i)[0];
                best = Math.max(best, (progress.get(j)[1] - progress.get(i)[1]) * 1000.0 / dt);
            }
        }
        kv("best_1s_per_s", best);
        if (o.containsKey("out")) {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(o.get("out"))))) {
                for (long[] p : progress) {
                    w.println(p[0] + " " + p[1]);
                }
            }
        }
        if (now < target) {
            System.out.println("timed out: the stream holds " + (now - before) + " of " + expect + " new messages");
        }
        return failed == 0 && now >= target ? 0 : 1;
    }

    // ---- verify: the stream against the outboxes -------------------------------------------------

    private static int verify(Connection nc, Map<String, String> o) throws Exception {
        String stream = o.get("stream");
        String filter = o.get("filter");
        JetStreamManagement jsm = nc.jetStreamManagement();
        long expected = count(jsm, stream, filter);

        Map<String, Integer> seen = new HashMap<>((int) (expected * 2));
        Map<String, Long> lastSeq = new HashMap<>();
        long messages = 0;
        long orderViolations = 0;
        long idMismatch = 0;
        long subjectMismatch = 0;
        List<String> examples = new ArrayList<>();
        long t0 = System.nanoTime();
        JetStreamSubscription sub = nc.jetStream().subscribe(filter, PushSubscribeOptions.builder().stream(stream)
                .ordered(true).configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All).build())
                .build());
        try {
            while (messages < expected) {
                Message m = sub.nextMessage(Duration.ofSeconds(10));
                if (m == null) {
                    System.out.println("no message for 10 s after " + messages + " of " + expected);
                    break;
                }
                messages++;
                JsonNode body = JSON.readTree(m.getData());
                String id = body.path("id").asText();
                String header = m.getHeaders() == null ? null : m.getHeaders().getFirst("Nats-Msg-Id");
                if (!id.equals(header)) {
                    idMismatch++;
                    if (examples.size() < 5) {
                        examples.add("header " + header + " != body id " + id);
                    }
                }
                String prefix = filter.substring(0, filter.indexOf('.'));
                String subject = prefix + "." + body.path("platform").asText() + "." + body.path("tenant").asText() + "."
                        + body.path("entity").asText() + "." + body.path("type").asText();
                if (!subject.equals(m.getSubject())) {
                    subjectMismatch++;
                    if (examples.size() < 5) {
                        examples.add("subject " + m.getSubject() + " for a body that says " + subject);
                    }
                }
                if (seen.merge(id, 1, Integer::sum) > 1) {
                    continue; // a duplicate: counted below, not an order question
                }
                String aggregate = body.path("database").asText() + "\u0000" + body.path("entity").asText() + "\u0000"
                        + body.path("aggregateId").asText();
                long seq = body.path("outboxSeq").asLong();
                Long last = lastSeq.put(aggregate, seq);
                if (last != null && seq <= last) {
                    orderViolations++;
                    if (examples.size() < 5) {
                        examples.add("aggregate " + aggregate.replace('\u0000', '/') + ": outboxSeq " + seq + " after "
                                + last);
                    }
                }
            }
        } finally {
            sub.unsubscribe();
        }
        double readSeconds = (System.nanoTime() - t0) / 1e9;

        // Every outbox row of every database.
        Set<String> outbox = new HashSet<>((int) (expected * 2));
        long rows = 0;
        long unpublished = 0;
        for (String db : o.get("databases").split(",")) {
            String url = o.get("jdbc-base") + db + "?user=" + o.getOrDefault("user", "postgres")
                    + "&ApplicationName=cairn-benchev-harness";
            try (java.sql.Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.setFetchSize(10_000);
                try (ResultSet rs = st.executeQuery("SELECT id::text, published_at IS NULL FROM cairn.outbox")) {
                    while (rs.next()) {
                        rows++;
                        outbox.add(rs.getString(1));
                        if (rs.getBoolean(2)) {
                            unpublished++;
                        }
                    }
                }
                c.commit();
            }
        }
        long missing = outbox.stream().filter(id -> !seen.containsKey(id)).count();
        long extra = seen.keySet().stream().filter(id -> !outbox.contains(id)).count();
        outbox.stream().filter(id -> !seen.containsKey(id)).limit(3)
                .forEach(id -> examples.add("outbox row " + id + " is not in the stream"));
        long duplicates = messages - seen.size();

        kv("stream_count", expected);
        kv("messages", messages);
        kv("distinct", seen.size());
        kv("duplicates", duplicates);
        kv("outbox_rows", rows);
        kv("unpublished", unpublished);
        kv("missing", missing);
        kv("extra", extra);
        kv("aggregates", lastSeq.size());
        kv("order_violations", orderViolations);
        kv("id_header_mismatch", idMismatch);
        kv("subject_mismatch", subjectMismatch);
        kv("read_seconds", readSeconds);
        examples.forEach(e -> System.out.println("example: " + e));
        return 0;
    }

    // ---- latency: paced writes, then each event's stored time minus its occurredAt -------------------

    private static int latency(Connection nc, Map<String, String> o) throws Exception {
        String stream = o.get("stream");
        String filter = o.get("filter");
        String tag = o.getOrDefault("tag", "lat");
        double rate = Double.parseDouble(o.get("rate"));
        int seconds = Integer.parseInt(o.get("seconds"));
        int warmupSeconds = Integer.parseInt(o.getOrDefault("warmup-seconds", "0"));
        int threads = Integer.parseInt(o.getOrDefault("threads", "8"));
        int rows = Integer.parseInt(o.getOrDefault("rows", "1")); // rows (so events) per request
        List<String> tenants = List.of(o.get("tenants").split(","));
        // Requests 0..warm-1 warm the write path up (named {tag}w-i, not counted); the rest are measured.
        int warm = (int) Math.round(rate * warmupSeconds);
        int total = warm + (int) Math.round(rate * seconds);
        JetStreamManagement jsm = nc.jetStreamManagement();
        long before = count(jsm, stream, filter);
        long fromSeq = jsm.getStreamInfo(stream).getStreamState().getLastSequence() + 1;

        // One WebSocket subscriber per tenant (GET /v1/events), subscribed before the first write: each
        // measured event's arrival minus its occurredAt is the commit-to-subscriber latency.
        List<Long> wsLatencies = java.util.Collections.synchronizedList(new ArrayList<>());
        List<java.net.http.WebSocket> sockets = new ArrayList<>();
        for (String tenant : tenants) {
            sockets.add(subscriber(o, tenant, tag + "-", wsLatencies));
        }

        long[] httpNanos = new long[total];
        long[] lagNanos = new long[total];
        int[] codes = new int[total];
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime() + 500_000_000L; // time for every thread to warm its client
        double interval = 1e9 / rate;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            workers.add(Thread.ofPlatform().name("lat-" + t).start(() -> {
                try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build()) {
                    http.send(HttpRequest.newBuilder(URI.create(o.get("base") + "/health")).build(),
                            HttpResponse.BodyHandlers.discarding());
                    for (int i = first; i < total; i += threads) {
                        long due = start + (long) (i * interval);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        long sent = System.nanoTime();
                        lagNanos[i] = Math.max(0, sent - due);
                        String tenant = tenants.get(i % tenants.size());
                        String name = (i < warm ? tag + "w-" : tag + "-") + i;
                        int code;
                        try {
                            StringBuilder body = new StringBuilder(rows > 1 ? "[" : "");
                            for (int r = 0; r < rows; r++) {
                                body.append(r > 0 ? "," : "").append("{\"name\":\"").append(name).append('.')
                                        .append(r).append("\",\"qty\":").append(i).append('}');
                            }
                            if (rows > 1) {
                                body.append(']');
                            }
                            HttpResponse<String> r = http.send(create(o, tenant, name, body.toString()),
                                    HttpResponse.BodyHandlers.ofString());
                            code = r.statusCode();
                            if (code != 201 && firstErrors.size() < 5) {
                                firstErrors.add("HTTP " + code + ": " + abbreviate(r.body()));
                            }
                        } catch (IOException e) {
                            code = 0;
                            if (firstErrors.size() < 5) {
                                firstErrors.add(e.toString());
                            }
                        }
                        httpNanos[i] = System.nanoTime() - sent;
                        codes[i] = code;
                        if (i >= warm) {
                            statuses.computeIfAbsent(code, k -> new AtomicLong()).incrementAndGet();
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    firstErrors.add("thread " + first + ": " + e);
                }
            }));
        }
        for (Thread w : workers) {
            w.join();
        }
        long measuredStart = start + (long) (warm * interval);
        double sendSeconds = (System.nanoTime() - measuredStart) / 1e9;
        long okAll = Arrays.stream(codes).filter(c -> c == 201).count();
        long ok = Arrays.stream(codes, warm, total).filter(c -> c == 201).count();

        // Every created row's event, then read them all back from where the stream was.
        long waitStart = System.nanoTime();
        long have = before;
        while (have < before + okAll * rows && System.nanoTime() - waitStart < 60_000_000_000L) {
            Thread.sleep(20);
            have = count(jsm, stream, filter);
        }
        double drainSeconds = (System.nanoTime() - waitStart) / 1e9;
        long expected = have - before;
        List<Long> latencies = new ArrayList<>();
        long other = 0;
        JetStreamSubscription sub = nc.jetStream().subscribe(filter, PushSubscribeOptions.builder().stream(stream)
                .ordered(true).configuration(ConsumerConfiguration.builder()
                        .deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(fromSeq).build())
                .build());
        try {
            for (long n = 0; n < expected; n++) {
                Message m = sub.nextMessage(Duration.ofSeconds(10));
                if (m == null) {
                    System.out.println("no message for 10 s after " + n + " of " + expected);
                    break;
                }
                JsonNode body = JSON.readTree(m.getData());
                if (!body.path("payload").path("name").asText().startsWith(tag + "-")) {
                    other++;
                    continue;
                }
                Instant stored = m.metaData().timestamp().toInstant();
                Instant occurred = Instant.parse(body.path("occurredAt").asText());
                latencies.add(Duration.between(occurred, stored).toNanos());
            }
        } finally {
            sub.unsubscribe();
        }
        long wsWait = System.nanoTime();
        while (wsLatencies.size() < latencies.size() && System.nanoTime() - wsWait < 10_000_000_000L) {
            Thread.sleep(20);
        }
        sockets.forEach(java.net.http.WebSocket::abort);
        long[] ws = wsLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
        kv("ws_n", ws.length);
        kv("ws_p50_ms", ms(pct(ws, 50)));
        kv("ws_p90_ms", ms(pct(ws, 90)));
        kv("ws_p99_ms", ms(pct(ws, 99)));
        kv("ws_max_ms", ms(ws.length == 0 ? 0 : ws[ws.length - 1]));
        long[] lat = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] httpSorted = Arrays.stream(httpNanos, warm, total).sorted().toArray();
        long[] lagSorted = Arrays.stream(lagNanos, warm, total).sorted().toArray();
        if (o.containsKey("out")) {
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(Path.of(o.get("out"))))) {
                for (long l : latencies) {
                    w.printf(Locale.ROOT, "%.3f%n", l / 1e6);
                }
            }
        }
        Map<Integer, Long> byStatus = new TreeMap<>();
        statuses.forEach((k, v) -> byStatus.put(k, v.get()));
        System.out.println("statuses: " + byStatus.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .reduce((a, b) -> a + " " + b).orElse("none"));
        firstErrors.forEach(e -> System.out.println("error: " + e));
        kv("warmup_requests", warm);
        kv("warmup_errors", warm - (okAll - ok));
        kv("requests", total - warm);
        kv("ok", ok);
        kv("errors", total - warm - ok);
        kv("send_seconds", sendSeconds);
        kv("achieved_per_s", (total - warm) / sendSeconds);
        kv("events_per_s", (double) (total - warm) * rows / sendSeconds);
        kv("lag_p99_ms", ms(pct(lagSorted, 99)));
        kv("lag_max_ms", ms(lagSorted.length == 0 ? 0 : lagSorted[lagSorted.length - 1]));
        kv("http_p50_ms", ms(pct(httpSorted, 50)));
        kv("http_p99_ms", ms(pct(httpSorted, 99)));
        kv("http_max_ms", ms(httpSorted.length == 0 ? 0 : httpSorted[httpSorted.length - 1]));
        kv("drain_wait_s", drainSeconds);
        kv("stream_new", expected);
        kv("other_messages", other);
        kv("n", lat.length);
        kv("p50_ms", ms(pct(lat, 50)));
        kv("p90_ms", ms(pct(lat, 90)));
        kv("p99_ms", ms(pct(lat, 99)));
        kv("p999_ms", ms(pct(lat, 99.9)));
        kv("max_ms", ms(lat.length == 0 ? 0 : lat[lat.length - 1]));
        kv("min_ms", ms(lat.length == 0 ? 0 : lat[0]));
        kv("mean_ms", ms(Arrays.stream(lat).average().orElse(0)));
        return okAll == total && lat.length == ok * rows ? 0 : 1;
    }

    // ---- delete ---------------------------------------------------------------------------------------

    private static int delete(Connection nc, Map<String, String> o) throws Exception {
        JetStreamManagement jsm = nc.jetStreamManagement();
        List<String> names = new ArrayList<>();
        if (o.containsKey("name")) {
            names.add(o.get("name"));
        } else {
            String prefix = o.get("prefix");
            if (prefix == null || prefix.length() < 4) {
                throw new IllegalArgumentException("delete needs --name or a --prefix of 4 characters or more");
            }
            jsm.getStreamNames().stream().filter(n -> n.startsWith(prefix)).forEach(names::add);
        }
        for (String name : names) {
            try {
                if (jsm.deleteStream(name)) {
                    System.out.println("deleted stream " + name);
                }
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != 10059) { // stream not found: nothing to delete
                    throw e;
                }
            }
        }
        kv("deleted", names.size());
        return 0;
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    /** Messages of the stream on subjects matching {@code filter}. */
    private static long count(JetStreamManagement jsm, String stream, String filter)
            throws IOException, JetStreamApiException {
        StreamInfo info = jsm.getStreamInfo(stream, StreamInfoOptions.filterSubjects(filter));
        List<Subject> subjects = info.getStreamState().getSubjects();
        return subjects == null ? 0 : subjects.stream().mapToLong(Subject::getCount).sum();
    }

    /** A WebSocket subscriber of the tenant's items whose events named {@code prefix}… are timed on arrival. */
    private static java.net.http.WebSocket subscriber(Map<String, String> o, String tenant, String prefix,
                                                       List<Long> latencies) throws Exception {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        StringBuilder partial = new StringBuilder();
        java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + o.get("token")).header("x-platform", o.get("platform"))
                .header("x-tenant-id", tenant)
                .buildAsync(URI.create(o.get("base").replaceFirst("^http", "ws") + "/v1/events"),
                        new java.net.http.WebSocket.Listener() {
                            @Override
                            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w,
                                                                                   CharSequence data, boolean last) {
                                Instant arrived = Instant.now();
                                partial.append(data);
                                w.request(1);
                                if (!last) {
                                    return null;
                                }
                                try {
                                    JsonNode frame = JSON.readTree(partial.toString());
                                    partial.setLength(0);
                                    if (frame.path("type").asText().equals("ack")) {
                                        acked.complete(null);
                                    } else if (frame.path("type").asText().equals("event") && frame.path("event")
                                            .path("payload").path("name").asText().startsWith(prefix)) {
                                        Instant occurred = Instant.parse(frame.path("event").path("occurredAt").asText());
                                        latencies.add(Duration.between(occurred, arrived).toNanos());
                                    }
                                } catch (IOException e) {
                                    acked.completeExceptionally(e);
                                }
                                return null;
                            }
                        }).join();
        ws.sendText("{\"type\":\"subscribe\",\"id\":\"bench\",\"entity\":\"items\",\"types\":[\"created\"]}", true).join();
        acked.get(10, java.util.concurrent.TimeUnit.SECONDS);
        return ws;
    }

    private static HttpRequest create(Map<String, String> o, String tenant, String key, String body) {
        return HttpRequest.newBuilder(URI.create(o.get("base") + "/v1/items"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + o.get("token"))
                .header("x-platform", o.get("platform"))
                .header("x-tenant-id", tenant)
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** Nearest-rank percentile of a sorted array (0 when empty). */
    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    private static double ms(double nanos) {
        return nanos / 1_000_000.0;
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static void kv(String key, double value) {
        System.out.printf(Locale.ROOT, "KV %s %.4f%n", key, value);
    }

    private static void kv(String key, long value) {
        System.out.printf(Locale.ROOT, "KV %s %d%n", key, value);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + a);
            }
            out.put(a.replaceFirst("^--?", ""), args[++i]);
        }
        return out;
    }
}
