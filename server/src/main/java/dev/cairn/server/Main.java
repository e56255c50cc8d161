package dev.cairn.server;

import ch.qos.logback.classic.Level;
import dev.cairn.error.CairnException;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** {@code cairn serve}: read the configuration, start, run until SIGTERM or SIGINT. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && !args[0].equals("serve")) {
            System.err.println("usage: cairn serve");
            System.exit(2);
        }
        // Sessions print timestamptz in the JVM's zone (pgjdbc sends it): make that zone UTC everywhere.
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        Config config;
        try {
            config = Config.fromEnvironment();
        } catch (CairnException e) {
            System.err.println("cairn: invalid configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        configureLogging(config.logLevel());
        Logger log = LoggerFactory.getLogger(Main.class);
        Optional<EmbeddedPostgres> embedded = Optional.empty();
        Gateway gateway;
        try {
            if (EmbeddedPostgres.needed(config)) {
                embedded = Optional.of(EmbeddedPostgres.start(config.embeddedDataDirectory(),
                        EmbeddedPostgres.reason(config)));
                config = config.on(embedded.get().pgServer());
            }
            gateway = Gateway.start(config);
        } catch (CairnException e) {
            log.error("cannot start: {}", e.getMessage());
            embedded.ifPresent(EmbeddedPostgres::close);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Optional<EmbeddedPostgres> ownServer = embedded;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close(); // the pools first, then the server they were connected to
            ownServer.ifPresent(EmbeddedPostgres::close);
            stopped.countDown();
        }, "cairn-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void configureLogging(String level) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        var root = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
    }
}
