package dev.cairn.fleet;

import java.util.Optional;

/** One line of the control database's audit log; {@code detailJson} is a JSON object. */
public record AuditEntry(String requestId, String actor, String sourceIp, String action, Optional<String> platform,
                         Optional<String> database, int status, String detailJson) {
}
