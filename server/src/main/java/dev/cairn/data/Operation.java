package dev.cairn.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a request asks for, whichever face it came through. Each has its planner
 * ({@link CallPlanner} for calls, {@link EntityPlanner} for the rest); {@link Pipeline} runs them.
 */
public sealed interface Operation {

    /** What it is about: the entity, the function, or {@code _transact} for a transaction of several. */
    String subject();

    /** {@code POST /call}: a stored function; {@code params} is an array, an object or missing. */
    record Call(String function, JsonNode params) implements Operation {
        @Override
        public String subject() {
            return function;
        }
    }

    /** An operation on one entity (a table as the data API exposes it). */
    sealed interface OnEntity extends Operation {
        String entity();

        @Override
        default String subject() {
            return entity();
        }
    }

    /** {@code GET /v1/{entity}}. */
    record ListRows(String entity, ListArgs args) implements OnEntity {
    }

    /** {@code GET /v1/{entity}/{id}}; {@code id} is the raw (still encoded) path segment. */
    record GetRow(String entity, String id, ListArgs args) implements OnEntity {
    }

    /** {@code POST /v1/{entity}}: an object, or an array of objects created together. */
    record CreateRows(String entity, JsonNode data) implements OnEntity {
    }

    /** {@code PATCH /v1/{entity}/{id}}. */
    record UpdateRow(String entity, String id, JsonNode data) implements OnEntity {
    }

    /** {@code DELETE /v1/{entity}/{id}}. */
    record DeleteRow(String entity, String id) implements OnEntity {
    }

    /** {@code POST /v1/_transact}: writes run in order in one transaction, all or nothing. */
    record Transact(List<OnEntity> ops) implements Operation {
        public Transact {
            ops = List.copyOf(ops);
        }

        @Override
        public String subject() {
            return "_transact";
        }
    }

    /** {@code POST /v1/{entity}/_search-embedding}. */
    record SearchEmbedding(String entity, JsonNode body) implements OnEntity {
    }
}
