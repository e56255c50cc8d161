package dev.cairn.upstream;

import java.net.URI;
import java.util.Optional;

/**
 * One workflow server as a platform reaches it: its address, which start route it speaks, and the
 * bearer token to send it (only the operator's own {@code NOETL_BASE_URL} gets one).
 */
record Upstream(URI baseUrl, boolean runPlaybookApi, Optional<String> token) {

    URI resolve(String path) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        return URI.create(base + path);
    }

    /** How errors name it: scheme, host and port, never credentials or paths. */
    String describe() {
        return baseUrl.getScheme() + "://" + baseUrl.getHost() + (baseUrl.getPort() > 0 ? ":" + baseUrl.getPort() : "");
    }
}
