package dev.cairn.fleet;

/** Who asked, for tracking rows and the audit log: request id, actor, client address. */
public record RequestMeta(String requestId, String actor, String sourceIp) {
}
