package dev.cairn.api;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.List;
import java.util.Optional;

/**
 * Where a request's credentials are read from, for every face: {@code Authorization}, else a login
 * session's token in {@code X-Session-Token} (the NoETL gateway's header), else in the
 * {@code session_token} cookie (a browser's). The two session forms become a bearer credential,
 * so the authenticator sees one shape whatever carried it.
 */
final class Credentials {

    static final HeaderName SESSION_TOKEN = HeaderNames.create("X-Session-Token");
    static final String SESSION_COOKIE = "session_token";

    private Credentials() {
    }

    static Optional<String> authorization(Headers headers) {
        return headers.first(HeaderNames.AUTHORIZATION)
                .or(() -> headers.first(SESSION_TOKEN).map(String::strip).filter(t -> !t.isEmpty()).map(Credentials::bearer))
                .or(() -> cookie(headers.all(HeaderNames.COOKIE, List::of), SESSION_COOKIE).map(Credentials::bearer));
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    /** One cookie's value from the {@code Cookie} headers ({@code a=1; b=2}); empty values count as absent. */
    static Optional<String> cookie(List<String> headers, String name) {
        for (String header : headers) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(name)) {
                    String value = pair.substring(eq + 1).strip();
                    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    if (!value.isEmpty()) {
                        return Optional.of(value);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
