package dev.cairn.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A live session: who it is for, what they may be, where they belong, until when. */
public record SessionRecord(String userId, Optional<String> email, Optional<String> displayName, List<String> roles,
                            Optional<String> platform, Optional<String> tenant, Instant expiresAt) {
    public SessionRecord {
        roles = List.copyOf(roles);
    }
}
