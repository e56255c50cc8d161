package dev.cairn.diff;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Every schema change a migrate would make, in the order it would make them. */
public record Plan(List<SchemaChange> changes) {

    public Plan {
        changes = List.copyOf(changes);
    }

    public boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The changes this request may not make: not safe, and neither forced nor allowed by kind. */
    public List<SchemaChange> blocked(boolean force, Set<AllowKind> allowed) {
        return changes.stream()
                .filter(c -> !c.safe())
                .filter(c -> !force && c.allow().map(a -> !allowed.contains(a)).orElse(true))
                .toList();
    }

    /** StoneScript's {@code schema_validation}: the changes grouped by class. */
    public Map<String, Object> validation() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("safe_changes", of(Compatibility.SAFE));
        out.put("dataloss_changes", of(Compatibility.DATALOSS));
        out.put("incompatible_changes", of(Compatibility.INCOMPATIBLE));
        return out;
    }

    private List<Map<String, Object>> of(Compatibility compatibility) {
        return changes.stream().filter(c -> c.compatibility() == compatibility).map(SchemaChange::wire).toList();
    }
}
