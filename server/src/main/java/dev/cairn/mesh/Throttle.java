package dev.cairn.mesh;

import dev.cairn.identity.Principal;

/**
 * The rate limits a member's mesh traffic is held to: one token per call, publish or loop from each
 * bucket that applies; an empty one is {@code RATE_LIMITED} (a {@code CairnException} with
 * {@code retry_after_ms}).
 */
public interface Throttle {

    /** Takes a token for this principal's request on this route ({@code mesh:service-call}, ...). */
    void take(Principal principal, String route);

    Throttle NONE = (principal, route) -> { };
}
