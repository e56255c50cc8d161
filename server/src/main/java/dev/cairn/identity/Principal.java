package dev.cairn.identity;

import java.util.List;
import java.util.Optional;

/**
 * Who a request acts as, resolved once from its credentials. Which address it came from is a
 * separate fact (the network allow-list has already admitted it by the time anyone asks).
 */
public sealed interface Principal {

    /** How the audit log names it. */
    String actor();

    /** No credentials: a caller the network allow-list let in, as with the StoneScript gateway. */
    record Network(String address) implements Principal {
        @Override
        public String actor() {
            return "network:" + address;
        }
    }

    /** The operator's {@code ADMIN_TOKEN}. */
    record Admin() implements Principal {
        @Override
        public String actor() {
            return "admin";
        }
    }

    /**
     * A verified JWT: its subject and the claims Cairn reads. Which platform and tenant it may
     * reach is the policy's to decide, never the token's alone.
     */
    record Jwt(String subject, List<String> roles, Optional<String> service, Optional<String> tenant,
               Optional<String> platform) implements Principal {
        public Jwt {
            roles = List.copyOf(roles);
        }

        @Override
        public String actor() {
            return "jwt:" + service.map(s -> s + "/").orElse("") + subject;
        }
    }

    /** A platform token: acts for that one platform. */
    record PlatformToken(String platform) implements Principal {
        @Override
        public String actor() {
            return "platform-token:" + platform;
        }
    }
}
