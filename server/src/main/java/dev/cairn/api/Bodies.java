package dev.cairn.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import io.helidon.http.HttpMediaType;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Optional;

/** Reads request bodies with a size limit and a content-type check; every refusal is a JSON error. */
final class Bodies {

    private Bodies() {
    }

    /** A JSON object body; {@code application/json} (or {@code +json}) only. */
    static JsonNode jsonObject(ServerRequest req, long maxBytes) {
        JsonNode node = json(req, maxBytes);
        if (!node.isObject()) {
            throw new CairnException(Problem.of(ErrorCode.INVALID_REQUEST, "the body must be a JSON object"));
        }
        return node;
    }

    /** A JSON body of any kind (object, array, ...); {@code application/json} (or {@code +json}) only. */
    static JsonNode json(ServerRequest req, long maxBytes) {
        String type = mediaType(req).orElse("");
        if (!type.equals("application/json") && !type.endsWith("+json")) {
            throw new CairnException(Problem.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "send the body as JSON with 'Content-Type: application/json'"
                            + (type.isEmpty() ? "" : " (got " + type + ")")));
        }
        byte[] bytes = read(req, maxBytes, ErrorCode.PAYLOAD_TOO_LARGE, "MAX_JSON_BYTES");
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new CairnException(Problem.of(ErrorCode.INVALID_REQUEST, "malformed JSON: " + e.getOriginalMessage())
                    .with("line", e.getLocation() == null ? null : e.getLocation().getLineNr())
                    .with("column", e.getLocation() == null ? null : e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || node.isMissingNode()) {
            throw new CairnException(Problem.of(ErrorCode.INVALID_REQUEST, "the body is empty; send JSON"));
        }
        return node;
    }

    /** The raw body, refused with {@code code} past {@code maxBytes}; the limit is named in the message. */
    static byte[] read(ServerRequest req, long maxBytes, ErrorCode code, String limitName) {
        return read(req, maxBytes, code, limitName, maxBytes);
    }

    /** As above, where the body may exceed the limit it is named after by some framing. */
    static byte[] read(ServerRequest req, long maxBytes, ErrorCode code, String limitName, long namedLimit) {
        long declared = req.headers().contentLength().orElse(-1);
        if (declared > maxBytes) {
            throw tooLarge(code, limitName, namedLimit);
        }
        try (InputStream in = req.content().inputStream()) {
            if (declared >= 0) { // the usual case: read exactly what was announced, into one array
                byte[] bytes = new byte[(int) declared];
                int read = in.readNBytes(bytes, 0, bytes.length);
                return read == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, read);
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(code, limitName, namedLimit);
            }
            return bytes;
        } catch (IOException e) {
            throw new CairnException(Problem.of(ErrorCode.INVALID_REQUEST, "could not read the request body: "
                    + e.getMessage()));
        }
    }

    static Optional<String> mediaType(ServerRequest req) {
        return req.headers().contentType().map(HttpMediaType::mediaType)
                .map(m -> m.text().toLowerCase(Locale.ROOT));
    }

    private static CairnException tooLarge(ErrorCode code, String limitName, long maxBytes) {
        return new CairnException(Problem.of(code, "the request body is larger than " + limitName + " ("
                + maxBytes + " bytes)").with("limit", limitName).with("limit_value", maxBytes));
    }

    /** A required string field; numbers are accepted as their text (clients send ids both ways). */
    static String text(JsonNode body, String field) {
        return optionalText(body, field).orElseThrow(() -> new CairnException(
                Problem.of(ErrorCode.VALIDATION_ERROR, field + " is required").with("field", field)));
    }

    static Optional<String> optionalText(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (node.isTextual() || node.isNumber()) {
            return Optional.of(node.asText());
        }
        throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, field + " must be a string")
                .with("field", field));
    }
}
