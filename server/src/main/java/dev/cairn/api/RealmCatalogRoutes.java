package dev.cairn.api;

import static dev.cairn.api.RealmRoutes.admin;
import static dev.cairn.api.RealmRoutes.noContent;
import static dev.cairn.api.RealmRoutes.id;
import static dev.cairn.api.RealmRoutes.slashed;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.fleet.Registry;
import dev.cairn.realm.Realms;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;

/**
 * {@code /api/contracts}, {@code /api/capabilities}, {@code /api/policies} and {@code /api/bridges}
 * (docs/realms.md, docs/policies.md), for the admin token or a console token. The fixed paths under
 * {@code /api/contracts} are registered before {@code {name}/{version}} (Helidon tries routes in
 * order), so {@code /latest} and {@code /realm/...} are never read as a version.
 */
final class RealmCatalogRoutes {

    private final Realms realms;
    private final Registry registry;
    private final long maxJsonBytes;

    RealmCatalogRoutes(Realms realms, Registry registry, long maxJsonBytes) {
        this.realms = realms;
        this.registry = registry;
        this.maxJsonBytes = maxJsonBytes;
    }

    void register(HttpRouting.Builder routing, RouteTable table) {
        table.get(routing, "/api/contracts", admin(registry, (req, res) -> Responses.json(res, 200, realms.contracts().list())));
        table.post(routing, "/api/contracts", admin(registry, (req, res) -> Responses.json(res, 201, realms.contracts().create(body(req)))));
        String realmContract = "/api/contracts/realm/{realmId}";
        slashed(routing, table, registry, Method.GET, realmContract, (req, res) ->
                Responses.json(res, 200, realms.contracts().realmContract(id(req, realmContract))));
        table.get(routing, "/api/contracts/{name}/latest", admin(registry, (req, res) ->
                Responses.json(res, 200, realms.contracts().latest(param(req, "name")))));
        table.get(routing, "/api/contracts/{name}/{version}", admin(registry, (req, res) ->
                Responses.json(res, 200, realms.contracts().get(param(req, "name"), param(req, "version")))));
        table.delete(routing, "/api/contracts/{name}/{version}", admin(registry, (req, res) -> {
            realms.contracts().delete(param(req, "name"), param(req, "version"));
            noContent(res);
        }));
        table.get(routing, "/api/capabilities", admin(registry, (req, res) -> Responses.json(res, 200, realms.contracts().capabilities())));
        String capability = "/api/capabilities/{name}";
        slashed(routing, table, registry, Method.GET, capability, (req, res) ->
                Responses.json(res, 200, realms.contracts().capability(id(req, capability))));
        table.get(routing, "/api/policies", admin(registry, (req, res) -> Responses.json(res, 200, realms.policies().list())));
        table.post(routing, "/api/policies", admin(registry, (req, res) -> Responses.json(res, 201, realms.policies().create(body(req)))));
        table.get(routing, "/api/policies/{name}", admin(registry, (req, res) ->
                Responses.json(res, 200, realms.policies().get(param(req, "name")))));
        table.put(routing, "/api/policies/{name}", admin(registry, (req, res) ->
                Responses.json(res, 200, realms.policies().update(param(req, "name"), body(req)))));
        table.delete(routing, "/api/policies/{name}", admin(registry, (req, res) -> {
            realms.policies().delete(param(req, "name"));
            noContent(res);
        }));
        table.get(routing, "/api/bridges", admin(registry, (req, res) -> Responses.json(res, 200, realms.bridges().list())));
        table.post(routing, "/api/bridges", admin(registry, (req, res) -> Responses.json(res, 201, realms.bridges().create(body(req)))));
        String bridge = "/api/bridges/{id}";
        slashed(routing, table, registry, Method.GET, bridge, (req, res) -> Responses.json(res, 200, realms.bridges().get(id(req, bridge))));
        slashed(routing, table, registry, Method.DELETE, bridge, (req, res) -> {
            realms.bridges().delete(id(req, bridge));
            noContent(res);
        });
    }

    private static String param(ServerRequest req, String name) {
        return req.path().pathParameters().get(name);
    }

    private JsonNode body(ServerRequest req) {
        return Bodies.jsonObject(req, maxJsonBytes);
    }
}
