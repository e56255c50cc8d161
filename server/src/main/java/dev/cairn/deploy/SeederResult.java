package dev.cairn.deploy;

/** Seed rows of one table: inserted now, or skipped because they were already there. */
public record SeederResult(String table, int inserted, int skipped) {
}
