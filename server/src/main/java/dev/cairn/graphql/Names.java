package dev.cairn.graphql;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * GraphQL names for what the catalog and the data API call things: types in PascalCase, fields in
 * camelCase. A name GraphQL cannot spell (or reserves, {@code __x}) is left out, never mangled into
 * something a client could not guess.
 */
final class Names {

    private static final Pattern VALID = Pattern.compile("[_A-Za-z][_0-9A-Za-z]*");
    private static final Pattern WORDS = Pattern.compile("[^A-Za-z0-9]+");

    private Names() {
    }

    static boolean valid(String name) {
        return VALID.matcher(name).matches() && !name.startsWith("__");
    }

    /** {@code order-items} or {@code order_items} as {@code OrderItems}. */
    static Optional<String> pascal(String name) {
        StringBuilder out = new StringBuilder();
        for (String word : WORDS.split(name)) {
            if (!word.isEmpty()) {
                out.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
            }
        }
        return Optional.of(out.toString()).filter(Names::valid);
    }

    /** {@code order-items} or {@code order_items} as {@code orderItems}. */
    static Optional<String> camel(String name) {
        return pascal(name).map(p -> Character.toLowerCase(p.charAt(0)) + p.substring(1)).filter(Names::valid);
    }
}
