package dev.cairn.entity;

import java.util.regex.Pattern;

/**
 * How the data API names tables and columns. Entities are tables in kebab-case
 * ({@code agent_shared_states} is {@code agent-shared-states}); fields are camelCase for
 * snake_case columns ({@code user_id} is {@code userId}) unless the platform keeps column names.
 * Only names made of lower-case letters, digits and single underscores are converted: any other
 * name (quoted, mixed case) is used as it is, so a conversion never loses information.
 */
public enum Naming {

    /** {@code user_id} as {@code userId}. */
    CAMEL_CASE,
    /** Column names as they are. */
    COLUMNS;

    private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

    /** The field a column is known by. */
    public String field(String column) {
        if (this == COLUMNS || !SNAKE.matcher(column).matches()) {
            return column;
        }
        StringBuilder b = new StringBuilder(column.length());
        boolean upper = false;
        for (char c : column.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    /** The path segment a table is served under: kebab-case, qualified by its schema unless {@code public}. */
    public static String entity(String schema, String table) {
        return schema.equals("public") ? kebab(table) : kebab(schema) + "." + kebab(table);
    }

    private static String kebab(String name) {
        return SNAKE.matcher(name).matches() ? name.replace('_', '-') : name;
    }
}
