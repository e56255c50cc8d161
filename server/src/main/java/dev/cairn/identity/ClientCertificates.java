package dev.cairn.identity;

import java.util.List;
import java.util.Optional;

/**
 * Who a verified client certificate (mTLS, {@code TLS_CLIENT_CA}) is: asked by the
 * {@link Authenticator} for a request over TLS that carries a certificate and no other credentials.
 * Implemented from the realm members ({@code certificateSubject}); without them a certificate maps
 * to nobody and such a request is {@code 401}.
 */
public interface ClientCertificates {

    /**
     * The principal a certificate names.
     *
     * @param subjectDn       the certificate's subject, as RFC 2253 writes it ({@code CN=svc,O=Acme})
     * @param subjectAltNames its DNS names, URIs and e-mail addresses, as they are written in it
     */
    Optional<Principal> principal(String subjectDn, List<String> subjectAltNames);

    /** No mapping: every certificate is refused. */
    ClientCertificates NONE = (subject, altNames) -> Optional.empty();
}
