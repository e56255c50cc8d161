package dev.cairn.api;

import dev.cairn.bundle.BundleLimits;
import dev.cairn.catalog.CatalogCache;
import dev.cairn.data.Pipeline;
import dev.cairn.events.EventSettings;
import dev.cairn.events.Relay;
import dev.cairn.fleet.DataApiSettingsStore;
import dev.cairn.fleet.DatabaseLifecycle;
import dev.cairn.fleet.ControlDatabase;
import dev.cairn.fleet.Registrar;
import dev.cairn.fleet.Registry;
import dev.cairn.identity.Authenticator;
import dev.cairn.identity.PlatformTokens;
import dev.cairn.job.JobEngine;
import dev.cairn.job.V1Fleet;
import dev.cairn.identity.NetworkPolicy;
import dev.cairn.metrics.Metrics;
import dev.cairn.policy.Policy;
import dev.cairn.pool.PoolManager;
import java.time.Duration;

/**
 * The engines behind the HTTP surface, handed from {@code Gateway} to {@link Routes}, which gives
 * each face (route class) only the few it uses. Faces translate; they hold no state.
 *
 * @param startedNanos when the process started, for {@code uptime_seconds}
 * @param v1Fleet      v1 {@code /migrate} of a whole platform: its databases, the bundle's variants, one job
 * @param metrics      what {@code /metrics} reports; the access filter counts every request in it
 * @param migrateAllSyncWait how long {@code POST /v2/migrate-all} waits for its job before answering 202
 * @param relay        the outbox relay to NATS, when {@code NATS_URL} is set
 * @param events       event settings (subscription limits among them)
 * @param playbooks    upstream actions: playbooks on a workflow server, and their signed callbacks
 * @param sessions     login sessions ({@code /api/auth/*}), which the authenticator also resolves
 * @param realms       the realm tree ({@code /api/realms}, members, contracts, policies, bridges)
 */
public record Services(Registrar registrar, Registry registry, ControlDatabase control, Pipeline pipeline, CatalogCache catalogs,
                       JobEngine jobs, V1Fleet v1Fleet, PlatformTokens tokens, PoolManager pools,
                       Authenticator authenticator, Policy policy, NetworkPolicy network, boolean healthPublic,
                       BundleLimits bundleLimits, long maxJsonBytes, String version, long startedNanos,
                       Metrics metrics, Duration migrateAllSyncWait, DataApiSettingsStore dataApiSettings,
                       java.util.Optional<String> defaultPlatform, DatabaseLifecycle lifecycle,
                       java.util.Optional<Relay> relay, EventSettings events,
                       dev.cairn.graphql.GraphqlExecutor graphql, dev.cairn.session.Sessions sessions,
                       dev.cairn.upstream.Playbooks playbooks, dev.cairn.realm.Realms realms, dev.cairn.mesh.Mesh mesh,
                       dev.cairn.mesh.MeshTokens meshTokens, dev.cairn.policy.RateGate rates) {
}
