package dev.cairn.realm;

import java.util.Optional;

/** A page of a listing: {@code page} from 1, {@code pageSize} from 1 to 100 (default 1 and 20). */
public record Page(int page, int pageSize) {

    public static final int MAX_SIZE = 100;

    /** From the query parameters as sent: a non-integer, a page below 1 or a size outside 1..100 is a 400. */
    public static Page of(Optional<String> page, Optional<String> pageSize) {
        int p = number(page, "page", 1);
        int size = number(pageSize, "pageSize", 20);
        if (p < 1) {
            throw Fields.invalid("page", "must be at least 1");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw Fields.invalid("pageSize", "must be between 1 and " + MAX_SIZE);
        }
        return new Page(p, size);
    }

    private static int number(Optional<String> text, String name, int fallback) {
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.get().strip());
        } catch (NumberFormatException e) {
            throw Fields.invalid(name, "must be an integer (got '" + text.get() + "')");
        }
    }

    long offset() {
        return (long) (page - 1) * pageSize;
    }
}
