package dev.cairn.api;

import dev.cairn.policy.DataScope;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;

/**
 * The scope of a data face's HTTP request (the data API, GraphQL, server-sent events): platform and
 * tenant from the credentials, the {@code x-platform} and {@code x-tenant-id} headers only where
 * they agree, noted for the access log.
 */
final class DataScopes {

    static final HeaderName PLATFORM = HeaderNames.create("x-platform");
    static final HeaderName TENANT = HeaderNames.create("x-tenant-id");

    private DataScopes() {
    }

    static DataScope of(ServerRequest req, Optional<String> defaultPlatform) {
        DataScope scope = DataScope.resolve(RequestIdentity.of(req).principal(), req.headers().first(PLATFORM),
                req.headers().first(TENANT), defaultPlatform);
        AccessFilter.subject(scope.platform(), Optional.of(scope.tenant()));
        return scope;
    }

    /**
     * A GraphQL request's scope, where the tenant may be absent: then only what the platform does
     * without one (its playbooks) is served, never data.
     */
    static dev.cairn.data.Target.Tenant graphql(ServerRequest req, Optional<String> defaultPlatform) {
        Optional<String> tenant = req.headers().first(TENANT).map(String::strip).filter(t -> !t.isEmpty());
        if (tenant.isPresent()) {
            DataScope scope = of(req, defaultPlatform);
            return new dev.cairn.data.Target.Tenant(scope.platform(), Optional.of(scope.tenant()));
        }
        String platform = DataScope.platform(RequestIdentity.of(req).principal(), req.headers().first(PLATFORM),
                defaultPlatform);
        AccessFilter.subject(platform, Optional.empty());
        return new dev.cairn.data.Target.Tenant(platform, Optional.empty());
    }
}
