package dev.cairn.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where playbooks run and how Cairn talks to that workflow server (NoETL's REST contract).
 *
 * @param baseUrl        {@code NOETL_BASE_URL}: every platform's upstream unless its settings name their own
 * @param runPlaybookApi {@code NOETL_EXECUTE_API=run_playbook}: start runs with the older
 *                       {@code POST /api/run/playbook {path, args}} instead of {@code POST /api/execute {path, payload}}
 * @param apiToken       {@code NOETL_API_TOKEN}: sent as a bearer token to {@code NOETL_BASE_URL} only (never to
 *                       a platform's own upstream, a host the operator did not vouch for)
 * @param timeout        {@code NOETL_TIMEOUT_MS}: one attempt's limit
 * @param retries        {@code NOETL_RETRIES}: further attempts after a 502 or 503 (or no connection), with backoff
 * @param callbackSecret {@code CALLBACK_SECRET}: the HMAC key callbacks are signed with; none: every callback is refused
 * @param callbackWindow {@code CALLBACK_WINDOW_SECS}: how old a signed callback may be
 * @param updatesPrefix  {@code NATS_UPDATES_SUBJECT_PREFIX}: an execution's updates are on {@code <prefix><id>.events}
 * @param publicUrl      {@code GATEWAY_PUBLIC_URL}: where a playbook reaches Cairn, passed as {@code gateway_url}
 */
public record UpstreamSettings(Optional<URI> baseUrl, boolean runPlaybookApi, Optional<String> apiToken,
                               Duration timeout, int retries, Optional<String> callbackSecret, Duration callbackWindow,
                               String updatesPrefix, Optional<URI> publicUrl) {

    public static UpstreamSettings none() {
        return new UpstreamSettings(Optional.empty(), false, Optional.empty(), Duration.ofSeconds(10), 2,
                Optional.empty(), Duration.ofMinutes(5), "playbooks.executions.", Optional.empty());
    }

    /** Never the token or the secret. */
    @Override
    public String toString() {
        return "UpstreamSettings[baseUrl=" + baseUrl + ", runPlaybookApi=" + runPlaybookApi + ", apiToken="
                + (apiToken.isPresent() ? "set" : "none") + ", timeout=" + timeout + ", retries=" + retries
                + ", callbackSecret=" + (callbackSecret.isPresent() ? "set" : "none") + ", updatesPrefix=" + updatesPrefix + "]";
    }
}
