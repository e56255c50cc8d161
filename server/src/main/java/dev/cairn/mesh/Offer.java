package dev.cairn.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a member offers the mesh, as its handshake said: services others may call (each under a
 * capability), agent capabilities it takes part in loops for, and events it publishes.
 */
record Offer(List<Service> services, List<String> agents, List<String> events) {

    Offer {
        services = List.copyOf(services);
        agents = List.copyOf(agents);
        events = List.copyOf(events);
    }

    static final Offer NONE = new Offer(List.of(), List.of(), List.of());

    /**
     * One callable service.
     *
     * @param capability the capability it is offered under; empty matches a call under any capability
     */
    record Service(Optional<String> capability, String name) {
        boolean serves(String callCapability, String serviceName) {
            return name.equals(serviceName) && capability.map(c -> c.equals(callCapability)).orElse(true);
        }
    }

    boolean provides(String capability, String serviceName) {
        return services.stream().anyMatch(s -> s.serves(capability, serviceName));
    }

    boolean takesPartIn(String capability) {
        return agents.contains(capability) || agents.contains("*");
    }

    /**
     * The handshake's {@code capabilities.provides}: {@code services} as names or
     * {@code {name, capability}} objects, {@code agents} and {@code events} as names (or objects
     * with a {@code name}/{@code capability}). Anything else is a {@code INVALID_REQUEST} naming the field.
     */
    static Offer parse(JsonNode capabilities) {
        if (capabilities.isMissingNode() || capabilities.isNull()) {
            return NONE;
        }
        if (!capabilities.isObject()) {
            throw Frames.invalid("capabilities", "an object {provides:{services, agents, events}, requires}");
        }
        JsonNode provides = capabilities.path("provides");
        if (provides.isMissingNode() || provides.isNull()) {
            return NONE;
        }
        if (!provides.isObject()) {
            throw Frames.invalid("capabilities.provides", "an object {services, agents, events}");
        }
        List<Service> services = new ArrayList<>();
        for (JsonNode s : array(provides.path("services"), "capabilities.provides.services")) {
            if (s.isTextual() && !s.asText().isBlank()) {
                services.add(new Service(Optional.empty(), s.asText()));
            } else if (s.isObject() && s.path("name").isTextual()) {
                services.add(new Service(text(s, "capability"), s.path("name").asText()));
            } else {
                throw Frames.invalid("capabilities.provides.services", "names, or objects {name, capability}");
            }
        }
        return new Offer(services, names(provides.path("agents"), "capabilities.provides.agents"),
                names(provides.path("events"), "capabilities.provides.events"));
    }

    private static List<String> names(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array(node, field)) {
            Optional<String> name = n.isTextual() ? Optional.of(n.asText())
                    : text(n, "capability").or(() -> text(n, "name"));
            out.add(name.filter(v -> !v.isBlank()).orElseThrow(() -> Frames.invalid(field, "names, or objects {name}")));
        }
        return out;
    }

    private static Iterable<JsonNode> array(JsonNode node, String field) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray() || node.size() > 1000) {
            throw Frames.invalid(field, "an array of at most 1000 entries");
        }
        return node;
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }

    /** The offer as presence keeps it (the same shape {@link #parse} reads under {@code provides}). */
    ObjectNode json() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode s = out.putArray("services");
        services.forEach(v -> {
            ObjectNode o = s.addObject().put("name", v.name());
            v.capability().ifPresent(c -> o.put("capability", c));
        });
        agents.forEach(out.putArray("agents")::add);
        events.forEach(out.putArray("events")::add);
        return out;
    }
}
