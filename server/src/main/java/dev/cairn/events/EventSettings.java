package dev.cairn.events;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How events leave the outbox: the NATS server (none: no relay), the JetStream stream and the
 * subject prefix it covers, how long the stream keeps events and remembers message ids, how long
 * published outbox rows are kept, and the relay's pace.
 *
 * @param natsUrl           {@code NATS_URL}, credentials may be in it ({@code nats://user:pass@host:4222})
 * @param credentials       {@code NATS_CREDS}: a {@code .creds} file (JWT and NKey seed), when the server wants one
 * @param stream            the JetStream stream, created or brought to this configuration at start-up
 * @param subjectPrefix     the first subject token: events go to {@code prefix.platform.tenant.entity.type}
 * @param maxAge            how long the stream keeps an event (what a subscriber can replay)
 * @param duplicateWindow   how long the stream remembers an event id: a republish inside it is dropped
 * @param outboxRetention   how long a published outbox row stays in its database before it is deleted
 * @param sweepInterval     how often databases written recently are looked at for rows written without Cairn
 * @param fullSweepInterval how often every database is looked at
 * @param workers           databases drained at once
 * @param batchSize         rows claimed, published and marked per transaction
 * @param maxAttempts       failed publishes after which a row is given up on (kept, with its last error)
 * @param maxConnections    event connections (WebSocket or SSE) one principal may hold at once
 * @param maxSubscriptions  subscriptions one WebSocket connection may hold
 * @param subscriberBuffer  events waiting to be sent to one subscriber before it is cut off as too slow
 * @param credentialsRecheck how often a long-lived connection's credentials (WebSocket, SSE) are judged again
 */
public record EventSettings(Optional<String> natsUrl, Optional<Path> credentials, String stream, String subjectPrefix,
                            Duration maxAge, Duration duplicateWindow, Duration outboxRetention, Duration sweepInterval,
                            Duration fullSweepInterval, int workers, int batchSize, int maxAttempts, int maxConnections,
                            int maxSubscriptions, int subscriberBuffer, Duration credentialsRecheck) {

    public boolean enabled() {
        return natsUrl.isPresent();
    }
}
