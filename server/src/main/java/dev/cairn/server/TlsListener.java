package dev.cairn.server;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import dev.cairn.error.Problem;
import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.common.tls.TlsConfig;
import io.helidon.webserver.WebServerConfig;

/**
 * The TLS listener: a named socket of the same server, given the same routes as the plain one by
 * {@code Routes.install}. With {@code TLS_CLIENT_CA} it asks for a client certificate and verifies
 * one that is sent against that CA, refusing the handshake when it does not check out.
 *
 * <p>Client certificates are {@link TlsClientAuth#OPTIONAL}, not required: the listener also serves
 * the clients that prove themselves with a token (browsers, the console, services with an API key),
 * and a request without a certificate is judged by its other credentials exactly as on the plain
 * listener, so requiring one would only shut those clients out of HTTPS.
 */
final class TlsListener {

    static final String SOCKET = "tls";

    private TlsListener() {
    }

    static void configure(WebServerConfig.Builder server, String host, TlsSettings settings) {
        Tls tls = tls(settings);
        server.putSocket(SOCKET, socket -> socket.host(host).port(settings.port()).tls(tls));
    }

    /** The PEM files read now: a file that holds no key or certificate stops the start-up, naming it. */
    private static Tls tls(TlsSettings settings) {
        Keys key = read("TLS_CERT/TLS_KEY", () -> Keys.builder().pem(pem -> pem
                .key(Resource.create(settings.key())).certChain(Resource.create(settings.cert()))).build());
        TlsConfig.Builder tls = Tls.builder().privateKey(key).privateKeyCertChain(key);
        settings.clientCa().ifPresent(ca -> tls
                .trust(read("TLS_CLIENT_CA", () -> Keys.builder().pem(pem -> pem.certificates(Resource.create(ca))).build()))
                .clientAuth(TlsClientAuth.OPTIONAL)
                // Helidon checks the peer's host name against its certificate by default: right for a
                // client checking a server, meaningless for a server checking a client.
                .endpointIdentificationAlgorithm(Tls.ENDPOINT_IDENTIFICATION_NONE));
        return read("TLS_CERT/TLS_KEY/TLS_CLIENT_CA", tls::build);
    }

    private static <T> T read(String names, java.util.function.Supplier<T> reader) {
        try {
            return reader.get();
        } catch (RuntimeException e) {
            throw new CairnException(Problem.of(ErrorCode.INVALID_CONFIGURATION, names
                    + ": cannot use the PEM files for the TLS listener (" + e.getMessage() + ")"));
        }
    }
}
