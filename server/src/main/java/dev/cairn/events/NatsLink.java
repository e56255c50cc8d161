package dev.cairn.events;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's one connection to NATS (the relay's, which sessions and upstream updates share). It is made in the background and remade for as long as the
 * gateway runs (NATS being down at start-up or later never stops Cairn); {@code onConnected} runs
 * each time it comes (back) up. An outage is logged once when it starts and once when it ends.
 */
public final class NatsLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NatsLink.class);

    /** Set once the first connection is made; jnats remakes it in place after that. */
    private final AtomicReference<Connection> connection = new AtomicReference<>();
    private volatile boolean closed;
    private volatile Thread connector;

    private NatsLink() {
    }

    static NatsLink open(EventSettings settings, Runnable onConnected) {
        NatsLink link = new NatsLink();
        AtomicBoolean down = new AtomicBoolean();
        Options.Builder options = Options.builder()
                .server(settings.natsUrl().orElseThrow())
                .connectionName("cairn")
                .maxReconnects(-1)
                .reconnectWait(Duration.ofSeconds(1))
                .connectionTimeout(Duration.ofSeconds(2))
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        LOG.debug("NATS: {}", error);
                    }

                    @Override
                    public void exceptionOccurred(Connection conn, Exception exp) {
                        LOG.debug("NATS: {}", exp.toString());
                    }
                })
                .connectionListener((conn, event) -> {
                    switch (event) {
                        case CONNECTED, RECONNECTED -> {
                            link.connection.set(conn);
                            if (down.compareAndSet(true, false)) {
                                LOG.info("NATS is back at {}: the relay catches up", conn.getConnectedUrl());
                            } else {
                                LOG.info("events: connected to NATS at {}", conn.getConnectedUrl());
                            }
                            onConnected.run();
                        }
                        case DISCONNECTED -> {
                            if (down.compareAndSet(false, true)) {
                                LOG.warn("NATS is unreachable: writes go on, their events wait in the outbox");
                            }
                        }
                        default -> { }
                    }
                });
        settings.credentials().ifPresent(file -> options.authHandler(Nats.credentials(file.toString())));
        Options built = options.build();
        // In the background: a NATS that is down at start-up must not hold up the gateway's start.
        link.connector = Thread.ofVirtual().name("cairn-nats-connect").start(() -> link.connect(built, down));
        return link;
    }

    /** First connection: tried every second until it works or the link is closed; jnats reconnects after that. */
    private void connect(Options options, AtomicBoolean down) {
        while (!closed) {
            try {
                Connection made = Nats.connect(options);
                if (closed) {
                    made.close();
                }
                return;
            } catch (java.io.IOException e) {
                if (down.compareAndSet(false, true)) {
                    LOG.warn("NATS is unreachable at start-up ({}): writes go on, their events wait in the outbox",
                            e.getMessage());
                }
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public boolean connected() {
        Connection c = connection.get();
        return c != null && c.getStatus() == Connection.Status.CONNECTED;
    }

    /** The connection; only called after {@link #connected()} said yes. */
    public Connection connection() {
        return connection.get();
    }

    @Override
    public void close() {
        closed = true;
        connector.interrupt();
        Connection c = connection.get();
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
