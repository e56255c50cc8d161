package dev.cairn.api;

import dev.cairn.bundle.BundleLimits;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The multipart forms of the deploy routes: a bundle and text fields, as StoneScript clients send them. */
final class Forms {

    /** Room for the form fields and part headers around the bundle itself. */
    private static final long FORM_OVERHEAD = 64 * 1024;

    private final Map<String, Multipart.Part> parts;

    private Forms(Map<String, Multipart.Part> parts) {
        this.parts = parts;
    }

    static Forms read(ServerRequest req, BundleLimits limits) {
        String boundary = Multipart.boundary(req.headers().first(HeaderNames.CONTENT_TYPE).orElse(""));
        long max = limits.maxArchiveBytes();
        byte[] body = Bodies.read(req, max + FORM_OVERHEAD, ErrorCode.BUNDLE_TOO_LARGE, "BUNDLE_MAX_BYTES", max);
        return new Forms(Multipart.parse(body, boundary));
    }

    Optional<String> field(String name) {
        return Optional.ofNullable(parts.get(name)).map(Multipart.Part::text).map(String::strip);
    }

    String required(String name) {
        return field(name).filter(v -> !v.isEmpty()).orElseThrow(() -> Forms.required(name, name));
    }

    /** The first of several accepted names ({@code schema} or {@code file}). */
    Optional<String> field(String name, String alias) {
        return field(name).or(() -> field(alias));
    }

    byte[] archive() {
        return Optional.ofNullable(parts.get("schema")).or(() -> Optional.ofNullable(parts.get("file")))
                .map(Multipart.Part::body)
                .orElseThrow(() -> required("schema", "schema (or file)"));
    }

    /** {@code "true"}, {@code "1"}, {@code "yes"}, {@code "on"} are true; absent or empty is {@code fallback}. */
    boolean flag(String name, boolean fallback) {
        return field(name).filter(v -> !v.isEmpty()).map(Forms::truthy).orElse(fallback);
    }

    /** A comma- or space-separated list ({@code allow=drop_column,set_not_null}). */
    List<String> list(String name) {
        return field(name).map(v -> Arrays.stream(v.split("[,\\s]+")).filter(t -> !t.isEmpty()).toList())
                .orElse(List.of());
    }

    static boolean truthy(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off", "" -> false;
            default -> throw new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR,
                    "'" + value + "' is not a boolean; use true or false"));
        };
    }

    static CairnException required(String field, String shown) {
        return new CairnException(Problem.of(ErrorCode.VALIDATION_ERROR, shown + " is required").with("field", field));
    }
}
