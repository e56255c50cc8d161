package dev.cairn.deploy;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * Orders statements so that each one runs after the statements defining the names it uses,
 * whatever the file names say; among independent statements the original order (natural file
 * order, then position in the file) is kept. Kahn's algorithm with a min-queue on the original
 * position: the StoneScript gateway popped from the wrong end and ran independent files backwards.
 */
final class DependencyOrder {

    /** One statement: the name it defines (if any) and the names it refers to. */
    record Unit<T>(T item, Optional<String> defines, Set<String> uses) {
    }

    private DependencyOrder() {
    }

    static <T> List<T> sort(List<Unit<T>> units, String what) {
        Map<String, Integer> definer = new HashMap<>();
        for (int i = 0; i < units.size(); i++) {
            int index = i;
            units.get(i).defines().ifPresent(name -> definer.putIfAbsent(name, index));
        }
        List<List<Integer>> dependents = new ArrayList<>();
        int[] pending = new int[units.size()];
        for (int i = 0; i < units.size(); i++) {
            dependents.add(new ArrayList<>());
        }
        for (int i = 0; i < units.size(); i++) {
            for (String used : units.get(i).uses()) {
                Integer d = definer.get(used);
                if (d != null && d != i) {
                    dependents.get(d).add(i);
                    pending[i]++;
                }
            }
        }
        return drain(units, dependents, pending, what);
    }

    private static <T> List<T> drain(List<Unit<T>> units, List<List<Integer>> dependents, int[] pending, String what) {
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < pending.length; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<T> ordered = new ArrayList<>(units.size());
        while (!ready.isEmpty()) {
            int next = ready.poll();
            ordered.add(units.get(next).item());
            for (int dependent : dependents.get(next)) {
                if (--pending[dependent] == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (ordered.size() < units.size()) {
            throw cycle(units, pending, what);
        }
        return ordered;
    }

    private static <T> CairnException cycle(List<Unit<T>> units, int[] pending, String what) {
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < units.size(); i++) {
            if (pending[i] > 0) {
                units.get(i).defines().ifPresent(names::add);
            }
        }
        return new CairnException(Problem.of(ErrorCode.MIGRATION_FAILED,
                        "circular dependency between " + what + ": " + String.join(", ", names)
                                + "; break the cycle by adding one foreign key with ALTER TABLE after both tables exist")
                .with("objects", List.copyOf(names)));
    }
}
