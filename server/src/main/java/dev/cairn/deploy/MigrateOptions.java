package dev.cairn.deploy;

import dev.cairn.diff.AllowKind;
import java.util.Set;

/**
 * How far a migrate may go.
 *
 * @param force         allow every dangerous change
 * @param allow         allow exactly these kinds of dangerous change
 * @param dryRun        do everything, report it, then roll back
 * @param verifySeeders check seed rows by primary key (StoneScript's {@code skip_verification} turns it off)
 */
public record MigrateOptions(boolean force, Set<AllowKind> allow, boolean dryRun, boolean verifySeeders) {

    public MigrateOptions {
        allow = Set.copyOf(allow);
    }

    public static MigrateOptions defaults() {
        return new MigrateOptions(false, Set.of(), false, true);
    }

    public boolean allows(AllowKind kind) {
        return force || allow.contains(kind);
    }
}
