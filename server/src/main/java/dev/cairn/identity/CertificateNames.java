package dev.cairn.identity;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/** The names of a client certificate that {@link ClientCertificates} maps to a member. */
final class CertificateNames {

    /** The general-name types of RFC 5280 a member can be named by: rfc822Name, dNSName, URI. */
    private static final List<Integer> NAMED = List.of(1, 2, 6);

    private CertificateNames() {
    }

    static String subject(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
    }

    /** Its e-mail, DNS and URI alternative names, as written; none when it has none (or they cannot be read). */
    static List<String> altNames(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return List.of(); // the handshake verified the certificate; an unreadable extension names nobody
        }
        List<String> out = new ArrayList<>();
        if (names != null) {
            for (List<?> name : names) {
                if (NAMED.contains(name.get(0)) && name.get(1) instanceof String value) {
                    out.add(value);
                }
            }
        }
        return List.copyOf(out);
    }
}
