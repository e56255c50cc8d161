package dev.cairn.data;

/**
 * Told when the pipeline may have left outbox rows in a database, so that they can leave at once
 * (the events relay listens). Called after the commit, on the request's thread: it must not block.
 */
public interface WriteListener {

    /** Nobody listens (no relay configured). */
    WriteListener NONE = new WriteListener() {
        @Override
        public void written(String database) {
        }

        @Override
        public void called(String database) {
        }
    };

    /** A data-API write committed in {@code database}: it left outbox rows. */
    void written(String database);

    /** A function that may write ran in {@code database}: it may have inserted outbox rows itself. */
    void called(String database);
}
