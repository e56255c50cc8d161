package dev.cairn.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.identity.JwtSettings;
import dev.cairn.identity.JwtVerifier;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Verifies the identity provider's tokens a login presents: signed by a key of the issuer's JWKS
 * (RS256 or ES256; keys cached, a new key id fetched again, as {@link JwtVerifier} does), issued by
 * {@code OIDC_ISSUER}, for {@code OIDC_AUDIENCE}, not expired. The JWKS address is
 * {@code OIDC_JWKS_URL} or the {@code jwks_uri} of the issuer's discovery document, read on the
 * first login (and again after a failed read, never at start-up: a provider that is down must not
 * stop Cairn from starting).
 */
final class OidcVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Clock skew allowed on a login token's exp and nbf. */
    private static final Duration LEEWAY = Duration.ofSeconds(30);

    private final SessionSettings settings;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private volatile JwtVerifier verifier;

    OidcVerifier(SessionSettings settings) {
        this.settings = settings;
    }

    JwtVerifier.Identity identify(String token) {
        return verifier().identify(token, settings.rolesClaim());
    }

    private JwtVerifier verifier() {
        JwtVerifier current = verifier;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (verifier == null) {
                String issuer = settings.issuer().orElseThrow(() -> CairnException.of(ErrorCode.SESSIONS_DISABLED,
                        "logins are disabled: set OIDC_ISSUER (and OIDC_AUDIENCE) to accept an identity provider's tokens"));
                URI jwks = settings.jwksUrl().orElseGet(() -> discover(issuer));
                verifier = JwtVerifier.of(new JwtSettings(Optional.empty(), Optional.of(jwks), settings.audience(),
                        Optional.of(issuer), LEEWAY)).orElseThrow();
            }
            return verifier;
        }
    }

    /** The issuer's {@code jwks_uri}, from {@code <issuer>/.well-known/openid-configuration}. */
    private URI discover(String issuer) {
        URI document = URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration");
        try {
            HttpResponse<byte[]> res = http.send(HttpRequest.newBuilder(document).timeout(TIMEOUT)
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
                throw unavailable(document, "it answered HTTP " + res.statusCode());
            }
            JsonNode body = JSON.readTree(res.body());
            String jwks = body.path("jwks_uri").asText("");
            if (jwks.isEmpty()) {
                throw unavailable(document, "it names no jwks_uri");
            }
            return URI.create(jwks);
        } catch (IOException | IllegalArgumentException e) {
            throw unavailable(document, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(document, "interrupted");
        }
    }

    private static CairnException unavailable(URI document, String why) {
        return CairnException.of(ErrorCode.UPSTREAM_FAILED, "the identity provider's discovery document "
                + document + " could not be read: " + why);
    }
}
