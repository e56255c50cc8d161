package dev.cairn.diff;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The kinds of dangerous change a migrate request may allow by name ({@code allow=[...]}, the
 * StoneScript tokens); {@code force} allows them all.
 */
public enum AllowKind {
    DROP_TABLE, DROP_COLUMN, MODIFY_COLUMN_TYPE, ADD_NOT_NULL_COLUMN, SET_NOT_NULL, EDITED_MIGRATION,
    DROP_FUNCTION, SEED_MISSING;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses tokens such as {@code drop_table}; an unknown token is a 400 that lists the known ones. */
    public static Set<AllowKind> parse(List<String> tokens) {
        Set<AllowKind> out = EnumSet.noneOf(AllowKind.class);
        for (String raw : tokens) {
            String token = raw.strip().toLowerCase(Locale.ROOT);
            if (token.isEmpty()) {
                continue;
            }
            out.add(Arrays.stream(values()).filter(k -> k.token().equals(token)).findFirst()
                    .orElseThrow(() -> new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                            "unknown allow token '" + raw + "'; known: " + Arrays.stream(values())
                                    .map(AllowKind::token).toList()).with("field", "allow"))));
        }
        return out;
    }
}
