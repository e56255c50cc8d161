package dev.cairn.identity;

import java.util.Optional;

/**
 * Login sessions as the {@link Authenticator} sees them: a token of their shape is looked up, never
 * verified as a JWT or a platform token. Implemented by the session store; none configured means
 * every session token is {@code 401}.
 */
public interface SessionTokens {

    /** Every session token starts with this, so a request's credentials are told apart by their shape. */
    String PREFIX = "cairn_st_";

    /** The live session the token names; empty when it is unknown, expired or logged out. */
    Optional<Principal.Session> session(String token);

    static boolean looksLikeSession(String token) {
        return token.startsWith(PREFIX);
    }

    /** No sessions: every session token is refused. */
    SessionTokens NONE = token -> Optional.empty();
}
