package dev.cairn.api;

import java.net.InetAddress;

/**
 * Per-request facts the access filter establishes, kept in the request context.
 *
 * @param client the caller's address after applying TRUSTED_PROXIES
 */
record RequestInfo(String requestId, InetAddress client, long startedNanos) {

    String clientText() {
        return client.getHostAddress();
    }
}
