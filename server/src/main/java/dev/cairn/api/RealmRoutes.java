package dev.cairn.api;

import com.fasterxml.jackson.databind.JsonNode;
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
    private final long maxJsonBytes;

    RealmRoutes(Realms realms, long maxJsonBytes) {
        this.realms = realms;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.get(routing, "/api/realms", admin(this::listRealms));
        table.post(routing, "/api/realms", admin((req, res) -> Responses.json(res, 201, realms.realms().create(body(req)))));
        String realm = "/api/realms/{id}";
        slashed(routing, table, Method.GET, realm, (req, res) -> Responses.json(res, 200, realms.realms().get(id(req, realm))));
        slashed(routing, table, Method.PUT, realm, (req, res) ->
                Responses.json(res, 200, realms.realms().update(id(req, realm), body(req))));
        slashed(routing, table, Method.DELETE, realm, (req, res) -> {
            realms.realms().delete(id(req, realm));
            noContent(res);
        });
        table.get(routing, "/api/members", admin(this::listMembers));
        table.post(routing, "/api/members", admin((req, res) -> Responses.json(res, 201, realms.members().create(body(req)))));
        String rotate = "/api/members/{id}/rotate-key";
        slashed(routing, table, Method.POST, rotate, (req, res) ->
                Responses.json(res, 200, realms.members().rotateKey(id(req, rotate))));
        String member = "/api/members/{id}";
        slashed(routing, table, Method.GET, member, (req, res) -> Responses.json(res, 200, realms.members().get(id(req, member))));
        slashed(routing, table, Method.PUT, member, (req, res) ->
                Responses.json(res, 200, realms.members().update(id(req, member), body(req))));
        slashed(routing, table, Method.DELETE, member, (req, res) -> {
            realms.members().delete(id(req, member));
            noContent(res);
        });
    }

    /** An admin route whose one parameter may hold {@code /} (sent encoded or not): it takes the rest of the path. */
    static void slashed(HttpRouting.Builder routing, RouteTable table, Method method, String template, Handler handler) {
        table.add(routing, method, template, template.replaceFirst("\\{(\\w+)}", "{+$1}"), admin(handler));
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

    /** The admin token or a console token first (401/403), then the route. */
    static Handler admin(Handler handler) {
        return (req, res) -> {
            RequestIdentity.of(req).authorize(new Action.AdministerRealms());
            handler.handle(req, res);
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
