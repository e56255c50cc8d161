package dev.cairn.realm;

import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/** How certificate subjects compare: distinguished names in canonical form, anything else (a SAN) as written, case-blind. */
final class Certificates {

    private Certificates() {
    }

    static String normalize(String subject) {
        String trimmed = subject.strip();
        if (trimmed.contains("=")) {
            try {
                return "dn:" + new X500Principal(trimmed).getName(X500Principal.CANONICAL);
            } catch (IllegalArgumentException e) {
                // not a distinguished name after all: compared as text
            }
        }
        return "san:" + trimmed.toLowerCase(Locale.ROOT);
    }
}
