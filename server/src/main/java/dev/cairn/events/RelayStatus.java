package dev.cairn.events;

/**
 * The relay as {@code /health} shows it.
 *
 * @param connected whether NATS is connected now
 * @param streamReady whether the stream was created or checked on this connection
 * @param stream the stream's name
 * @param backlog outbox rows known to wait for NATS (counted when a database could not be drained)
 * @param published rows this instance published since it started
 * @param duplicates of those, rows the stream already had (published before a crash or a lost ack)
 */
public record RelayStatus(boolean connected, boolean streamReady, String stream, long backlog, long published,
                          long duplicates) {

    public boolean healthy() {
        return connected && streamReady;
    }
}
