package dev.cairn.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a data-API request asks for, whichever face it came through. Each has its planner in
 * {@link EntityPlanner}; {@link Records} runs them.
 */
public sealed interface Operation {

    /** The entity it is about ({@code _transact} for a transaction of several). */
    String entity();

    /** {@code GET /v1/{entity}}. */
    record ListRows(String entity, ListArgs args) implements Operation {
    }

    /** {@code GET /v1/{entity}/{id}}; {@code id} is the raw (still encoded) path segment. */
    record GetRow(String entity, String id, ListArgs args) implements Operation {
    }

    /** {@code POST /v1/{entity}}: an object, or an array of objects created together. */
    record CreateRows(String entity, JsonNode data) implements Operation {
    }

    /** {@code PATCH /v1/{entity}/{id}}. */
    record UpdateRow(String entity, String id, JsonNode data) implements Operation {
    }

    /** {@code DELETE /v1/{entity}/{id}}. */
    record DeleteRow(String entity, String id) implements Operation {
    }

    /** {@code POST /v1/_transact}: writes run in order in one transaction, all or nothing. */
    record Transact(List<Operation> ops) implements Operation {
        public Transact {
            ops = List.copyOf(ops);
        }

        @Override
        public String entity() {
            return "_transact";
        }
    }

    /** {@code POST /v1/{entity}/_search-embedding}. */
    record SearchEmbedding(String entity, JsonNode body) implements Operation {
    }

    /** Whether it changes data (and so takes an idempotency key, and writes outbox rows). */
    default boolean writes() {
        return this instanceof CreateRows || this instanceof UpdateRow || this instanceof DeleteRow
                || this instanceof Transact;
    }
}
