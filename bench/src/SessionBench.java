import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Session validation latency: {@code POST /api/auth/validate} against sessions made by real logins.
 *
 * <p>{@code idp}: an OIDC provider for the run (an RSA key made now, the discovery document and
 * the JWKS served on {@code --port}); writes {@code --tokens} signed ID tokens, one per line, to
 * {@code --out}, then serves until killed.
 *
 * <p>{@code measure}: logs in {@code --sessions} of those tokens at {@code --base}, then
 * {@code --threads} client threads (each its own HTTP/1.1 keep-alive connection) validate them
 * round-robin, {@code --warmup} requests unrecorded, then {@code -n} recorded (totals over the
 * threads). Every answer must be 200 with {@code "valid":true}. Prints a table and {@code KV key
 * value} lines for bench/sessions.sh; exit status 1 if any request failed.
 *
 * <pre>java -cp 'server/target/lib/*' bench/src/SessionBench.java idp --port 9551 --tokens 200 --out /tmp/t
 * java -cp 'server/target/lib/*' bench/src/SessionBench.java measure --base http://127.0.0.1:9550 --tokens /tmp/t</pre>
 */
public final class SessionBench {

    static final String AUDIENCE = "cairn-bench";

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(Arrays.copyOfRange(args, 1, args.length));
        switch (args.length == 0 ? "" : args[0]) {
            case "idp" -> idp(Integer.parseInt(opts.getOrDefault("port", "9551")),
                    Integer.parseInt(opts.getOrDefault("tokens", "200")), Path.of(opts.get("out")));
            case "measure" -> System.exit(measure(opts));
            default -> throw new IllegalArgumentException("usage: SessionBench idp|measure [--options]");
        }
    }

    static void idp(int port, int tokens, Path out) throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("bench-1").generate();
        String issuer = "http://127.0.0.1:" + port + "/";
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/.well-known/openid-configuration", ex -> send(ex, "{\"issuer\":\"" + issuer
                + "\",\"jwks_uri\":\"" + issuer + ".well-known/jwks.json\"}"));
        server.createContext("/.well-known/jwks.json", ex -> send(ex, new JWKSet(key.toPublicJWK()).toString()));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(AUDIENCE).subject("user-" + i)
                    .claim("email", "user-" + i + "@example.com").claim("roles", List.of("reader"))
                    .expirationTime(new Date(System.currentTimeMillis() + 4 * 3600_000L)).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench-1").build(), claims);
            jwt.sign(new RSASSASigner(key));
            lines.add(jwt.serialize());
        }
        Files.write(out, lines);
        server.start();
        System.out.println("idp ready on " + issuer);
        Thread.currentThread().join();
    }

    private static void send(com.sun.net.httpserver.HttpExchange ex, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, bytes.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(bytes);
        }
    }

    private static final Pattern SESSION = Pattern.compile("\"session_token\"\\s*:\\s*\"([^\"]+)\"");

    static int measure(Map<String, String> opts) throws Exception {
        String base = opts.getOrDefault("base", "http://127.0.0.1:9550");
        List<String> providerTokens = Files.readAllLines(Path.of(opts.get("tokens")));
        int sessions = Math.min(Integer.parseInt(opts.getOrDefault("sessions", "100")), providerTokens.size());
        int n = Integer.parseInt(opts.getOrDefault("n", "20000"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "10000"));
        int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));

        HttpClient login = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            HttpResponse<String> res = login.send(post(base + "/api/auth/login", "{\"auth0_token\":\""
                    + providerTokens.get(i) + "\"}"), HttpResponse.BodyHandlers.ofString());
            Matcher m = SESSION.matcher(res.body());
            if (res.statusCode() != 200 || !m.find()) {
                System.err.println("login failed: " + res.statusCode() + " " + res.body());
                return 1;
            }
            tokens.add(m.group(1));
        }

        int perThread = n / threads;
        int warmupPerThread = warmup / threads;
        long[][] latencies = new long[threads][perThread];
        AtomicLong errors = new AtomicLong();
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(threads);
        long[] window = new long[2];
        CountDownLatch warmed = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread.ofPlatform().start(() -> {
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                try {
                    for (int i = 0; i < warmupPerThread; i++) {
                        validate(client, base, tokens.get((i + thread) % tokens.size()), errors, firstErrors);
                    }
                    warmed.countDown();
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        long t0 = System.nanoTime();
                        validate(client, base, tokens.get((i * threads + thread) % tokens.size()), errors, firstErrors);
                        latencies[thread][i] = System.nanoTime() - t0;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        warmed.await();
        window[0] = System.nanoTime();
        go.countDown();
        done.await();
        window[1] = System.nanoTime();

        long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
        double seconds = (window[1] - window[0]) / 1e9;
        System.out.printf(Locale.ROOT, "sessions %d, threads %d, requests %d in %.2f s%n", sessions, threads, all.length, seconds);
        System.out.printf(Locale.ROOT, "p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms  %.0f req/s  errors %d%n",
                ms(all, 50), ms(all, 90), ms(all, 99), all[all.length - 1] / 1e6, all.length / seconds, errors.get());
        firstErrors.stream().limit(3).forEach(e -> System.out.println("error: " + e));
        System.out.printf(Locale.ROOT, "KV p50_ms %.3f%nKV p90_ms %.3f%nKV p99_ms %.3f%nKV rps %.0f%nKV errors %d%n",
                ms(all, 50), ms(all, 90), ms(all, 99), all.length / seconds, errors.get());
        return errors.get() == 0 ? 0 : 1;
    }

    private static void validate(HttpClient client, String base, String token, AtomicLong errors, List<String> firstErrors) {
        try {
            HttpResponse<String> res = client.send(post(base + "/api/auth/validate", "{\"session_token\":\"" + token + "\"}"),
                    HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200 || !res.body().contains("\"valid\":true")) {
                errors.incrementAndGet();
                if (firstErrors.size() < 3) {
                    firstErrors.add(res.statusCode() + " " + res.body());
                }
            }
        } catch (Exception e) {
            errors.incrementAndGet();
            if (firstErrors.size() < 3) {
                firstErrors.add(e.toString());
            }
        }
    }

    private static HttpRequest post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
    private static double ms(long[] sorted, double q) {
        int rank = (int) Math.ceil(q / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            out.put(args[i].replaceFirst("^--?", ""), args[i + 1]);
        }
        return out;
    }
}
