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
}
