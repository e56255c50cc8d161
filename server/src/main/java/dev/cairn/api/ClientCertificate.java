package dev.cairn.api;

import io.helidon.common.socket.PeerInfo;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The one place a request's client certificate is read from, for HTTP requests and WebSocket
 * upgrades alike: the leaf of the chain the peer presented on the TLS listener. The handshake has
 * already verified it against {@code TLS_CLIENT_CA} (an unverified one ends the handshake), so
 * what is here is proved; on the plain listener, or without a certificate, there is none.
 */
final class ClientCertificate {

    private ClientCertificate() {
    }

    static Optional<X509Certificate> of(PeerInfo peer) {
        return peer.tlsCertificates().filter(chain -> chain.length > 0).map(chain -> chain[0])
                .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast);
    }

}
