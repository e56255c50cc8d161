package dev.cairn.realm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether two realms' contracts fit (docs/realms.md, "Bridges"): every capability one side requires
 * must be provided by the other at a version the requirement's range admits. A missing capability
 * is an error; a provided version outside the range is an error too, unless it has the major of the
 * range's lowest admitted version and is below it (an older minor or patch of the right major),
 * which is a warning. Pure: the contracts are read by the caller.
 */
final class Compatibility {

    private Compatibility() {
    }

    /** One side of a bridge: its realm, the contract it names, and that contract if it exists. */
    record Side(String realmId, Optional<String> contractName, Optional<ContractStore.Row> contract) {

        Optional<String> label() {
            return contract.map(ContractStore.Row::label);
        }
    }

    record Judgement(boolean compatible, List<String> errors, List<String> warnings) {
    }

    static Judgement judge(Side local, Side remote) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        describe(local, errors, warnings);
        describe(remote, errors, warnings);
        requirements(local, remote, errors, warnings);
        requirements(remote, local, errors, warnings);
        return new Judgement(errors.isEmpty(), List.copyOf(errors), List.copyOf(warnings));
    }

    private static void describe(Side side, List<String> errors, List<String> warnings) {
        if (side.contractName.isEmpty()) {
            warnings.add("realm " + side.realmId + " names no contract: it provides and requires nothing");
        } else if (side.contract.isEmpty()) {
            errors.add("realm " + side.realmId + " names contract " + side.contractName.get() + ", which does not exist");
        }
    }

    private static void requirements(Side requirer, Side provider, List<String> errors, List<String> warnings) {
        if (requirer.contract.isEmpty()) {
            return;
        }
        for (JsonNode need : requirer.contract.get().required()) {
            String capability = need.path("capability").asText();
            String rangeText = need.path("version").asText("*");
            Semver.Range range = Semver.range(rangeText).orElseThrow();
            String asks = "realm " + requirer.realmId + " requires " + capability + " " + rangeText;
            Optional<JsonNode> offer = provider.contract.flatMap(c -> find(c.provided(), capability));
            if (offer.isEmpty()) {
                errors.add(asks + ", which realm " + provider.realmId + " does not provide"
                        + provider.label().map(l -> " (" + l + ")").orElse(""));
                continue;
            }
            Semver version = Semver.parse(offer.get().path("version").asText()).orElseThrow();
            if (range.admits(version)) {
                continue;
            }
            String gives = "; realm " + provider.realmId + " provides " + version;
            Semver floor = range.floor();
            if (version.major() == floor.major() && version.compareTo(floor) < 0) {
                warnings.add(asks + gives + ": the same major, but older than the range asks");
            } else {
                errors.add(asks + gives + ", outside the range");
            }
        }
    }

    private static Optional<JsonNode> find(JsonNode provided, String capability) {
        for (JsonNode p : provided) {
            if (p.path("capability").asText().equals(capability)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
