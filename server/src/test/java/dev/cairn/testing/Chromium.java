package dev.cairn.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Chromium for tests, driven over the Chrome DevTools Protocol on one WebSocket (the
 * JDK's client, Jackson for the JSON), with a throw-away profile. Where there is no Chromium the
 * tests that need it are skipped, unless {@code CAIRN_BROWSER_REQUIRED=1} ({@code .ci/run} sets
 * it), which makes them fail. {@link #close()} kills the browser with all its processes and deletes
 * the profile; it is safe to call on a half-started browser and more than once.
 *
 * <p>Commands are answered on the WebSocket's listener thread; events go to the consumers given to
 * {@link Page#on}, on that same thread, so they must be quick and thread-safe.
 */
public final class Chromium implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(20);
    private static final Duration COMMAND = Duration.ofSeconds(15);
    private static final String LISTENING = "DevTools listening on ";

    private final Path profile;
    private final Deque<String> stderr = new ArrayDeque<>();
    private Process process;
    private Devtools devtools;

    private Chromium(Path profile) {
        this.profile = profile;
    }

    /** A started browser; skips (or fails, when a browser is required) the calling test where there is none. */
    public static Chromium start() {
        Optional<Path> binary = binary();
        if (binary.isEmpty()) {
            String why = "no Chromium at /usr/bin/chromium or on the PATH (apt-get install chromium)";
            if ("1".equals(System.getenv("CAIRN_BROWSER_REQUIRED"))) {
                fail(why + ", and CAIRN_BROWSER_REQUIRED=1");
            }
            // Said on stdout too: Surefire counts a class skipped in @BeforeAll as no tests at all, silently.
            System.out.println("browser tests skipped: " + why);
            Assumptions.abort("browser tests skipped: " + why);
        }
        Chromium chromium;
        try {
            chromium = new Chromium(Files.createTempDirectory("cairn-chromium-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            chromium.launch(binary.get());
            return chromium;
        } catch (RuntimeException | Error e) {
            chromium.close();
            throw e;
        }
    }

    static Optional<Path> binary() {
        Path debian = Path.of("/usr/bin/chromium");
        if (Files.isExecutable(debian)) {
            return Optional.of(debian);
        }
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "chromium"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private void launch(Path binary) {
        try {
            process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox",
                    "--disable-background-networking", "--remote-debugging-port=0",
                    "--user-data-dir=" + profile, "about:blank")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> readStderr(url), "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            devtools = Devtools.connect(URI.create(url.get(START.toSeconds(), TimeUnit.SECONDS)));
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException("Chromium gave no DevTools URL in " + START.toSeconds() + " s; its stderr: "
                    + stderrTail(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Finds the DevTools URL, then keeps reading so that a full pipe never blocks the browser. */
    private void readStderr(CompletableFuture<String> url) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                remember(line);
                int at = line.indexOf(LISTENING);
                if (at >= 0) {
                    url.complete(line.substring(at + LISTENING.length()).trim());
                }
            }
        } catch (IOException e) {
            url.completeExceptionally(e);
        }
        url.completeExceptionally(new IOException("Chromium closed its stderr (exit " + exitCode() + ")"));
    }

    private synchronized void remember(String line) {
        stderr.addLast(line);
        if (stderr.size() > 30) {
            stderr.removeFirst();
        }
    }

    /** The browser's last lines on stderr, for a failure's message. */
    private synchronized String stderrTail() {
        return String.join("\n", stderr);
    }

    private String exitCode() {
        return process.isAlive() ? "none yet" : String.valueOf(process.exitValue());
    }

    /**
     * A new tab in a browser context of its own, so that it starts with no cookies and no local
     * storage from another test; attached so that its commands and events share the browser's WebSocket.
     */
    public Page newPage() {
        String context = devtools.call("Target.createBrowserContext", Map.of(), null).path("browserContextId").asText();
        String target = devtools.call("Target.createTarget", Map.of("url", "about:blank", "browserContextId", context),
                null).path("targetId").asText();
        String session = devtools.call("Target.attachToTarget", Map.of("targetId", target, "flatten", true), null)
                .path("sessionId").asText();
        return new Page(devtools, context, session);
    }

    /** Kills the browser and every process it started, then deletes the profile. */
    @Override
    public void close() {
        if (devtools != null) {
            devtools.close();
        }
        if (process != null) {
            // The renderers and the zygote are the browser's children: kill them with it, or they keep
            // the profile busy and outlive the test.
            List<ProcessHandle> processes = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
            processes.forEach(ProcessHandle::destroy);
            processes.forEach(p -> awaitExit(p, Duration.ofSeconds(5)));
            processes.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
            processes.forEach(p -> awaitExit(p, Duration.ofSeconds(5)));
        }
        delete(profile);
    }

    private static void awaitExit(ProcessHandle p, Duration timeout) {
        try {
            p.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // still alive: the caller kills it harder or reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete Chromium's profile " + dir, e);
        }
    }

    /** One tab: its commands, its events and a few things a test does with a page. Closing it drops its context. */
    public static final class Page implements AutoCloseable {

        private final Devtools devtools;
        private final String context;
        private final String session;

        private Page(Devtools devtools, String context, String session) {
            this.devtools = devtools;
            this.context = context;
            this.session = session;
        }

        @Override
        public void close() {
            devtools.call("Target.disposeBrowserContext", Map.of("browserContextId", context), null);
        }

        /** Sends a command to this tab and returns its result. */
        public JsonNode call(String method, Map<String, Object> params) {
            return devtools.call(method, params, session);
        }

        /** Hands this tab's events named {@code method} to {@code consumer} (on the listener thread). */
        public void on(String method, Consumer<JsonNode> consumer) {
            devtools.subscribe(session, method, consumer);
        }

        /** The value of a JavaScript expression (a promise is awaited); fails on a script error. */
        public JsonNode eval(String expression) {
            JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true,
                    "awaitPromise", true));
            if (r.has("exceptionDetails")) {
                throw new IllegalStateException("script failed: " + r.path("exceptionDetails") + "\n" + expression);
            }
            return r.path("result").path("value");
        }

        /** Clicks the middle of the first element matching {@code selector} with the mouse, as a user would. */
        public void click(String selector) {
            JsonNode box = eval("(() => { const r = document.querySelector(" + quote(selector)
                    + ").getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
            for (String type : List.of("mouseMoved", "mousePressed", "mouseReleased")) {
                call("Input.dispatchMouseEvent", Map.of("type", type, "x", box.path("x").asDouble(),
                        "y", box.path("y").asDouble(), "button", "left", "clickCount", 1));
            }
        }

        /** Presses Ctrl with a letter key ({@code "a"} for select-all), as the keyboard sends it. */
        public void ctrl(String letter) {
            String upper = letter.toUpperCase(Locale.ROOT);
            for (String type : List.of("keyDown", "keyUp")) {
                call("Input.dispatchKeyEvent", Map.of("type", type, "modifiers", 2, "key", letter,
                        "code", "Key" + upper, "windowsVirtualKeyCode", (int) upper.charAt(0)));
            }
        }

        /** Types {@code text} into the focused element in one go, as a paste or an input method does. */
        public void insertText(String text) {
            call("Input.insertText", Map.of("text", text));
        }

        /** A JavaScript string literal of {@code s}. */
        public static String quote(String s) {
            return Http.JSON.valueToTree(s).toString();
        }
    }

    /** The protocol on one WebSocket: numbered commands with their answers, and events by session and name. */
    private static final class Devtools implements WebSocket.Listener {

        private final AtomicLong ids = new AtomicLong();
        private final Map<Long, CompletableFuture<JsonNode>> answers = new ConcurrentHashMap<>();
        private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private final HttpClient client = HttpClient.newHttpClient();
        private WebSocket socket;

        private record Subscription(String session, String method, Consumer<JsonNode> consumer) {
        }

        static Devtools connect(URI url) {
            Devtools d = new Devtools();
            d.socket = d.client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(url, d).join();
            return d;
        }

        JsonNode call(String method, Map<String, Object> params, String session) {
            long id = ids.incrementAndGet();
            ObjectNode message = Http.JSON.createObjectNode().put("id", id).put("method", method);
            message.set("params", Http.JSON.valueToTree(params));
            if (session != null) {
                message.put("sessionId", session);
            }
            CompletableFuture<JsonNode> answer = new CompletableFuture<>();
            answers.put(id, answer);
            send(message.toString());
            try {
                return answer.get(COMMAND.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(method + " failed: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new IllegalStateException(method + " got no answer in " + COMMAND.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                answers.remove(id);
            }
        }

        /** The JDK's WebSocket takes one message at a time. */
        private synchronized void send(String text) {
            socket.sendText(text, true).join();
        }

        void subscribe(String session, String method, Consumer<JsonNode> consumer) {
            subscriptions.add(new Subscription(session, method, consumer));
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            ws.request(1);
            partial.append(data);
            if (last) {
                try {
                    dispatch(Http.JSON.readTree(partial.toString()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("Chromium sent what is not JSON: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
            }
            return null;
        }

        private void dispatch(JsonNode message) {
            if (message.has("id")) {
                CompletableFuture<JsonNode> answer = answers.get(message.path("id").asLong());
                if (answer != null && message.has("error")) {
                    answer.completeExceptionally(new IllegalStateException(message.path("error").toString()));
                } else if (answer != null) {
                    answer.complete(message.path("result"));
                }
                return;
            }
            String session = message.path("sessionId").asText();
            String method = message.path("method").asText();
            for (Subscription s : subscriptions) {
                if (s.session().equals(session) && s.method().equals(method)) {
                    s.consumer().accept(message.path("params"));
                }
            }
        }

        void close() {
            answers.values().forEach(a -> a.completeExceptionally(new IllegalStateException("browser closed")));
            if (socket != null) {
                socket.abort();
            }
            client.shutdownNow();
        }
    }
}
