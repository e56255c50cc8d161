package dev.cairn.identity;

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

    /** A platform token: acts for that one platform. */
    record PlatformToken(String platform) implements Principal {
        @Override
        public String actor() {
            return "platform-token:" + platform;
        }
    }
}
