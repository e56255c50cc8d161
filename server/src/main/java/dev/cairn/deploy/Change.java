package dev.cairn.deploy;

/** One line of the changelog: what kind of object, which one, what happened, from which file. */
record Change(String kind, String object, String action, String file, String checksum) {
}
