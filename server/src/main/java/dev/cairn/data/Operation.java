package dev.cairn.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
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

    /**
     * A stored function reached through a data face (a GraphQL field): planned like a call, run in the
     * data API's database for the request's tenant (the main one under row tenancy, with
     * {@code app.tenant_id} set); {@code params} is an object by argument name or an array.
     */
    record DataCall(String function, JsonNode params) implements Operation {
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

    /** A write's rows: create, update or delete, answered with the rows it wrote, shaped as it asks. */
    sealed interface Write extends OnEntity {
        Returning returning();
    }

    /**
     * What of the written rows a write answers with: {@code select} and {@code include} as a read takes
     * them (nested relations read as they were before the write's statement); missing is every field.
     */
    record Returning(JsonNode select, JsonNode include) {
        public static Returning all() {
            return new Returning(MissingNode.getInstance(), MissingNode.getInstance());
        }

        boolean isAll() {
            return select.isMissingNode() && include.isMissingNode();
        }
    }

    /** {@code POST /v1/{entity}}: an object, or an array of objects created together. */
    record CreateRows(String entity, JsonNode data, Returning returning) implements Write {
        public CreateRows(String entity, JsonNode data) {
            this(entity, data, Returning.all());
        }
    }

    /** {@code PATCH /v1/{entity}/{id}}. */
    record UpdateRow(String entity, String id, JsonNode data, Returning returning) implements Write {
        public UpdateRow(String entity, String id, JsonNode data) {
            this(entity, id, data, Returning.all());
        }
    }

    /** {@code DELETE /v1/{entity}/{id}}. */
    record DeleteRow(String entity, String id, Returning returning) implements Write {
        public DeleteRow(String entity, String id) {
            this(entity, id, Returning.all());
        }
    }

    /**
     * {@code POST /v1/_transact} (writes), or a GraphQL request's mutations (writes and
     * {@link DataCall}s): run in order in one transaction, all or nothing.
     */
    record Transact(List<Operation> ops) implements Operation {
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
