package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.fleet.Registry;
import dev.cairn.policy.Action;
import dev.cairn.realm.MemberStore;
import dev.cairn.realm.Page;
import dev.cairn.realm.RealmStore;
import dev.cairn.realm.Realms;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code /api/realms} and {@code /api/members} (docs/realms.md): the realm tree's administration,
 * for the admin token or a console token. A realm is named by its uuid or its slug, a member by its
 * id; either may hold {@code /}, sent encoded ({@code acme%2Fclinic-1}), so ids are read from the raw
 * path and decoded here.
 */
final class RealmRoutes {

    private final Realms realms;
    private final Registry registry;
    private final long maxJsonBytes;

    RealmRoutes(Realms realms, Registry registry, long maxJsonBytes) {
        this.realms = realms;
        this.registry = registry;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.get(routing, "/api/realms", admin(registry, this::listRealms));
        table.post(routing, "/api/realms", admin(registry, (req, res) -> Responses.json(res, 201, realms.realms().create(body(req)))));
        String realm = "/api/realms/{id}";
        slashed(routing, table, registry, Method.GET, realm, (req, res) -> Responses.json(res, 200, realms.realms().get(id(req, realm))));
        slashed(routing, table, registry, Method.PUT, realm, (req, res) ->
                Responses.json(res, 200, realms.realms().update(id(req, realm), body(req))));
        slashed(routing, table, registry, Method.DELETE, realm, (req, res) -> {
            realms.realms().delete(id(req, realm));
            noContent(res);
        });
        table.get(routing, "/api/members", admin(registry, this::listMembers));
        table.post(routing, "/api/members", admin(registry, (req, res) -> Responses.json(res, 201, realms.members().create(body(req)))));
        String rotate = "/api/members/{id}/rotate-key";
        slashed(routing, table, registry, Method.POST, rotate, (req, res) ->
                Responses.json(res, 200, realms.members().rotateKey(id(req, rotate))));
        String member = "/api/members/{id}";
        slashed(routing, table, registry, Method.GET, member, (req, res) -> Responses.json(res, 200, realms.members().get(id(req, member))));
        slashed(routing, table, registry, Method.PUT, member, (req, res) ->
                Responses.json(res, 200, realms.members().update(id(req, member), body(req))));
        slashed(routing, table, registry, Method.DELETE, member, (req, res) -> {
            realms.members().delete(id(req, member));
            noContent(res);
        });
    }

    /** An admin route whose one parameter may hold {@code /} (sent encoded or not): it takes the rest of the path. */
    static void slashed(HttpRouting.Builder routing, RouteTable table, Registry registry, Method method, String template,
                        Handler handler) {
        table.add(routing, method, template, template.replaceFirst("\\{(\\w+)}", "{+$1}"), admin(registry, handler));
    }

    /** The one parameter of {@code template} in the request's raw path, decoded: {@code acme%2Fclinic-1} is {@code acme/clinic-1}. */
    static String id(ServerRequest req, String template) {
        String prefix = template.substring(0, template.indexOf('{'));
        String suffix = template.substring(template.indexOf('}') + 1);
        String raw = req.path().rawPath();
        String middle = raw.substring(Math.min(prefix.length(), raw.length()), Math.max(prefix.length(), raw.length() - suffix.length()));
        return URLDecoder.decode(middle.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private void listRealms(ServerRequest req, ServerResponse res) {
        Page page = page(req);
        Responses.json(res, 200, realms.realms().list(new RealmStore.Query(query(req, "realmType"),
                query(req, "parentRealmId"), query(req, "search")), page));
    }

    private void listMembers(ServerRequest req, ServerResponse res) {
        Page page = page(req);
        Responses.json(res, 200, realms.members().list(new MemberStore.Query(query(req, "realmId"),
                query(req, "memberType"), query(req, "status"), query(req, "search")), page));
    }

    /**
     * The admin token or a console token first (401/403), then the route; a change (any method but
     * GET) leaves an audit row, done or refused, named by its method and path
     * ({@code DELETE /api/realms/acme%2Fclinic-1}): ids, never a key.
     */
    static Handler admin(Registry registry, Handler handler) {
        return (req, res) -> {
            RequestIdentity.of(req).authorize(new Action.AdministerRealms());
            if (req.prologue().method().equals(Method.GET)) {
                handler.handle(req, res);
                return;
            }
            Responses.audited(registry, Responses.meta(req), req.prologue().method().text() + " " + req.path().rawPath(),
                    Optional.empty(), () -> {
                        try {
                            handler.handle(req, res);
                        } catch (RuntimeException e) {
                            throw e;
                        } catch (Exception e) { // the realm handlers throw none: Helidon's Handler allows it
                            throw new IllegalStateException(e);
                        }
                        return res.status().code();
                    }, status -> Optional.empty(), status -> status);
        };
    }

    static Page page(ServerRequest req) {
        return Page.of(query(req, "page"), query(req, "pageSize"));
    }

    static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).filter(v -> !v.isBlank());
    }

    JsonNode body(ServerRequest req) {
        return Bodies.jsonObject(req, maxJsonBytes);
    }

    static void noContent(ServerResponse res) {
        res.status(Status.NO_CONTENT_204);
        res.send();
    }
}
