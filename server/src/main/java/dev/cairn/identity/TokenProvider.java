package dev.cairn.identity;

/**
 * Credentials a part of Cairn issues and checks itself (the realm mesh's member keys and tokens):
 * a token it {@link #owns} is its alone to accept or refuse, never passed on to another kind.
 */
public interface TokenProvider {

    boolean owns(String token);

    /** The principal of an owned token; {@code 401} when it is not valid. */
    Principal principal(String token);

    TokenProvider NONE = new TokenProvider() {
        @Override
        public boolean owns(String token) {
            return false;
        }

        @Override
        public Principal principal(String token) {
            throw new IllegalStateException("owns nothing");
        }
    };
}
