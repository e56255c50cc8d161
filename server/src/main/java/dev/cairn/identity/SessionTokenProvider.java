package dev.cairn.identity;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;

/** Login sessions: claims {@code cairn_st_…} tokens and looks them up. */
final class SessionTokenProvider implements CredentialProvider {

    private final SessionTokens sessions;

    SessionTokenProvider(SessionTokens sessions) {
        this.sessions = sessions;
    }

    @Override
    public boolean claims(String token) {
        return SessionTokens.looksLikeSession(token);
    }

    @Override
    public Principal authenticate(String token) {
        return sessions.session(token).<Principal>map(s -> s).orElseThrow(() -> CairnException.of(
                ErrorCode.UNAUTHORIZED, "the session is not valid: unknown, expired or logged out"));
    }
}
