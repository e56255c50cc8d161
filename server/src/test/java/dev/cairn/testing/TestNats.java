package dev.cairn.testing;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamInfo;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * NATS with JetStream for tests: the machine's on 127.0.0.1:4222 when it answers, else a
 * {@code nats-server -js} from the PATH started once for this test JVM. Where neither exists the
 * tests that need it say so in one line and are skipped, unless {@code CAIRN_NATS_REQUIRED=1}
 * ({@code .ci/run} sets it), which makes them fail. Outage tests start a {@link Private} server of
 * their own and never touch the machine's.
 */
public final class TestNats {

    private static final String MACHINE = "nats://127.0.0.1:4222";
    private static final Pattern LISTENING = Pattern.compile("Listening for client connections on [^:]+:(\\d+)");
    private static Optional<String> url;
    private static Private shared;

    private TestNats() {
    }

    /** The server's URL; skips (or fails, when NATS is required) the calling test where there is none. */
    public static synchronized String url() {
        if (url == null) {
            url = find();
            if (url.isEmpty()) {
                unavailable("no NATS server with JetStream on 127.0.0.1:4222 and no nats-server on the PATH");
            }
        }
        Assumptions.assumeTrue(url.isPresent(), "no NATS server");
        return url.get();
    }

    /** Says once why NATS tests cannot run; fails instead where NATS is required (CI). */
    private static void unavailable(String why) {
        if ("1".equals(System.getenv("CAIRN_NATS_REQUIRED"))) {
            throw new IllegalStateException(why + ", and CAIRN_NATS_REQUIRED=1");
        }
        System.out.println("NATS tests skipped: " + why);
    }

    private static Optional<String> find() {
        if (jetStream(MACHINE)) {
            return Optional.of(MACHINE);
        }
        if (binary().isEmpty()) {
            return Optional.empty();
        }
        shared = Private.start();
        Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        return Optional.of(shared.url());
    }

    private static boolean jetStream(String server) {
        try (Connection nc = connect(server, Duration.ofMillis(500))) {
            nc.jetStreamManagement().getAccountStatistics();
            return true;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static Optional<Path> binary() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/bin", "/usr/bin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, "nats-server")).filter(Files::isExecutable)
                .findFirst();
    }

    public static Connection connect(String server) {
        try {
            return connect(server, Duration.ofSeconds(5));
        } catch (IOException e) {
            throw new IllegalStateException("cannot connect to " + server + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Connection connect(String server, Duration timeout) throws IOException, InterruptedException {
        return Nats.connect(Options.builder().server(server).connectionTimeout(timeout).maxReconnects(0)
                .errorListener(new io.nats.client.ErrorListener() { }).build());
    }

    /** One message of a stream: its sequence, subject, message id ({@code Nats-Msg-Id}) and body. */
    public record Stored(long sequence, String subject, String msgId, byte[] data) {
    }

    /** Every message a stream holds now, oldest first, read through an ordered consumer. */
    public static List<Stored> messages(String server, String stream) {
        try (Connection nc = connect(server)) {
            StreamInfo info = nc.jetStreamManagement().getStreamInfo(stream);
            long last = info.getStreamState().getLastSequence();
            List<Stored> out = new ArrayList<>();
            if (info.getStreamState().getMsgCount() == 0) {
                return out;
            }
            JetStreamSubscription sub = nc.jetStream().subscribe(null,
                    PushSubscribeOptions.builder().stream(stream).ordered(true).build());
            while (true) {
                Message m = sub.nextMessage(Duration.ofSeconds(5));
                if (m == null) {
                    throw new IllegalStateException("stream " + stream + " stopped before sequence " + last);
                }
                long seq = m.metaData().streamSequence();
                out.add(new Stored(seq, m.getSubject(), m.getHeaders() == null ? null
                        : m.getHeaders().getFirst("Nats-Msg-Id"), m.getData() == null ? new byte[0] : m.getData()));
                if (seq >= last) {
                    sub.unsubscribe();
                    return out;
                }
            }
        } catch (IOException | JetStreamApiException e) {
            throw new IllegalStateException("cannot read stream " + stream + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How many messages a stream holds; 0 when it does not exist (yet). */
    public static long count(String server, String stream) {
        return state(server, stream, Optional.empty()).map(io.nats.client.api.StreamState::getMsgCount).orElse(0L);
    }

    /** How many messages of a stream are on subjects matching {@code filter}; 0 when it does not exist (yet). */
    public static long count(String server, String stream, String filter) {
        return state(server, stream, Optional.of(filter))
                .map(state -> state.getSubjects() == null ? 0L
                        : state.getSubjects().stream().mapToLong(io.nats.client.api.Subject::getCount).sum())
                .orElse(0L);
    }

    private static Optional<io.nats.client.api.StreamState> state(String server, String stream, Optional<String> filter) {
        try (Connection nc = connect(server)) {
            var jsm = nc.jetStreamManagement();
            return Optional.of((filter.isPresent() ? jsm.getStreamInfo(stream,
                    io.nats.client.api.StreamInfoOptions.filterSubjects(filter.get())) : jsm.getStreamInfo(stream))
                    .getStreamState());
        } catch (JetStreamApiException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Deletes a test's stream; quiet when it is not there or the server is gone. */
    public static void deleteStream(String server, String stream) {
        delete(server, List.of(stream), List.of());
    }

    /** Deletes a test's key-value bucket; quiet when it is not there or the server is gone. */
    public static void deleteBucket(String server, String bucket) {
        delete(server, List.of(), List.of(bucket));
    }

    /**
     * Deletes a test's streams and key-value buckets over one connection; each one quietly when it is
     * not there, all of them when the server is gone.
     */
    public static void delete(String server, List<String> streams, List<String> buckets) {
        try (Connection nc = connect(server, Duration.ofSeconds(2))) {
            for (String stream : streams) {
                quietly(() -> nc.jetStreamManagement().deleteStream(stream));
            }
            for (String bucket : buckets) {
                quietly(() -> nc.keyValueManagement().delete(bucket));
            }
        } catch (IOException | RuntimeException e) {
            // the server is gone: nothing to delete
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Deletion {
        void run() throws IOException, JetStreamApiException;
    }

    private static void quietly(Deletion deletion) {
        try {
            deletion.run();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            // not there: nothing to delete
        }
    }

    /**
     * A {@code nats-server -js} of a test's own, on a port it chose and a store directory that
     * survives {@link #stop()}: {@link #restart()} brings it back on the same port with the same
     * streams, as an outage would end.
     */
    public static final class Private implements AutoCloseable {

        private final Path store;
        private final Path log;
        private int port;
        private Process process;

        private Private(Path store) {
            this.store = store;
            this.log = store.resolveSibling(store.getFileName() + ".log");
        }

        /** A new server; skips the calling test (or fails it, where NATS is required) without nats-server. */
        public static Private start() {
            Optional<Path> found = binary();
            if (found.isEmpty()) {
                unavailable("no nats-server on the PATH for a test's own server");
            }
            Assumptions.assumeTrue(found.isPresent(), "no nats-server");
            Path binary = found.get();
            try {
                Path dir = Files.createTempDirectory("cairn-nats-");
                Private server = new Private(dir.resolve("store"));
                server.launch(binary, "-1"); // the server picks a free port and says which
                return server;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private void launch(Path binary, String portArgument) throws IOException {
            Files.deleteIfExists(log);
            process = new ProcessBuilder(binary.toString(), "-js", "-a", "127.0.0.1", "-p", portArgument,
                    "-sd", store.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                String text = Files.exists(log) ? Files.readString(log) : "";
                Matcher m = LISTENING.matcher(text);
                if (m.find() && text.contains("Server is ready")) {
                    port = Integer.parseInt(m.group(1));
                    return;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("nats-server exited: " + text);
                }
                sleep(20);
            }
            throw new IllegalStateException("nats-server did not start: " + Files.readString(log));
        }

        public String url() {
            return "nats://127.0.0.1:" + port;
        }

        /** Kills the server (an outage); its streams stay on disk. */
        public void stop() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The same server again, on the same port. */
        public void restart() {
            try {
                launch(binary().orElseThrow(), Integer.toString(port));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            stop();
            try (var files = Files.walk(store.getParent())) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory: the OS cleans it eventually
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
