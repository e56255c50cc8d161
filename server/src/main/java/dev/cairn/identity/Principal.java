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
     * A user or service with roles, and perhaps the platform and tenant it belongs to: a JWT, or a
     * login session. The policy reads both alike; which platform and tenant they may reach is its
     * to decide, never the credential's alone.
     */
    sealed interface Claims extends Principal {
        String subject();

        List<String> roles();

        Optional<String> tenant();

        Optional<String> platform();

        /** How messages name the credential: "JWT" or "session". */
        String kind();
    }

    /** A verified JWT: its subject and the claims Cairn reads. */
    record Jwt(String subject, List<String> roles, Optional<String> service, Optional<String> tenant,
               Optional<String> platform) implements Claims {
        public Jwt {
            roles = List.copyOf(roles);
        }

        @Override
        public String actor() {
            return "jwt:" + service.map(s -> s + "/").orElse("") + subject;
        }

        @Override
        public String kind() {
            return "JWT";
        }
    }

    /**
     * A login session ({@code POST /api/auth/login}), from its token: the user it was made for.
     *
     * @param id the first characters of the token's hash: names the session in logs, never the token
     */
    record Session(String id, String subject, List<String> roles, Optional<String> tenant,
                   Optional<String> platform) implements Claims {
        public Session {
            roles = List.copyOf(roles);
        }

        @Override
        public String actor() {
            return "session:" + subject;
        }

        @Override
        public String kind() {
            return "session";
        }
    }

    /**
     * A member of a realm (a service, agent runtime or console user of the realm mesh), proved by
     * its API key ({@code rm_…}), the short JWT {@code POST /api/auth/token} gave for it, or its
     * client certificate. The realm comes from the credential, never from what the member says.
     *
     * @param platform the platform whose realm tree the member's realm is in
     * @param tenant the tenant realm at or above the member's realm, if any
     */
    record Member(String memberId, String realmId, List<String> roles, Optional<String> tenant,
                  Optional<String> platform) implements Claims {
        public Member {
            roles = List.copyOf(roles);
        }

        @Override
        public String subject() {
            return memberId;
        }

        @Override
        public String actor() {
            return "member:" + memberId;
        }

        @Override
        public String kind() {
            return "member";
        }
    }

    /**
     * An OAuth2 access token an authorization server vouched for by RFC 7662 introspection:
     * its subject, scopes as roles, and the platform and tenant claims it carries.
     */
    record OAuthToken(String subject, List<String> roles, Optional<String> clientId, Optional<String> tenant,
                      Optional<String> platform) implements Claims {
        public OAuthToken {
            roles = List.copyOf(roles);
        }

        @Override
        public String actor() {
            return "oauth:" + clientId.map(c -> c + "/").orElse("") + subject;
        }

        @Override
        public String kind() {
            return "OAuth2 token";
        }
    }

    /** The realm mesh's console ({@code CONSOLE_API_KEY}, or the JWT it was exchanged for): administers realms. */
    record Console() implements Principal {
        @Override
        public String actor() {
            return "console";
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
