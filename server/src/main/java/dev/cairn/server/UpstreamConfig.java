package dev.cairn.server;

import dev.cairn.upstream.UpstreamSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The environment's word on upstream actions: the workflow server, its callbacks, its updates. */
final class UpstreamConfig {

    private UpstreamConfig() {
    }

    static UpstreamSettings upstream(Env env) {
        Optional<java.net.URI> base = IdentityConfig.httpUrl(env, "NOETL_BASE_URL");
        base.filter(u -> u.getRawUserInfo() != null).ifPresent(u -> {
            throw Env.bad("NOETL_BASE_URL", "put no credentials in the URL: set NOETL_API_TOKEN");
        });
        Optional<String> secret = IdentityConfig.nonEmpty(env, "CALLBACK_SECRET");
        if (secret.isPresent() && secret.get().getBytes(StandardCharsets.UTF_8).length < 32) {
            throw Env.bad("CALLBACK_SECRET", "must be at least 32 bytes");
        }
        String prefix = env.string("NATS_UPDATES_SUBJECT_PREFIX", "playbooks.executions.");
        if (!prefix.matches("([A-Za-z0-9_-]+\\.)*")) {
            throw Env.bad("NATS_UPDATES_SUBJECT_PREFIX", "subject tokens each followed by a dot, like playbooks.executions.");
        }
        return new UpstreamSettings(base,
                env.oneOf("NOETL_EXECUTE_API", List.of("execute", "run_playbook")).equals("run_playbook"),
                IdentityConfig.nonEmpty(env, "NOETL_API_TOKEN"),
                Duration.ofMillis(env.integer("NOETL_TIMEOUT_MS", 10_000, 100, 600_000)),
                env.integer("NOETL_RETRIES", 2, 0, 10), secret,
                Duration.ofSeconds(env.integer("CALLBACK_WINDOW_SECS", 300, 5, 3600)), prefix,
                IdentityConfig.httpUrl(env, "GATEWAY_PUBLIC_URL"));
    }
}
