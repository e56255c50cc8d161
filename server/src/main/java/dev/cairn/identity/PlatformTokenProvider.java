package dev.cairn.identity;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;

/** Platform tokens: claims {@code cairn_pt_…} tokens and finds the platform whose token it is. */
final class PlatformTokenProvider implements CredentialProvider {

    private final PlatformTokens tokens;

    PlatformTokenProvider(PlatformTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public boolean claims(String token) {
        return PlatformTokens.looksLikePlatformToken(token);
    }

    @Override
    public Principal authenticate(String token) {
        return tokens.platformOf(token).<Principal>map(Principal.PlatformToken::new)
                .orElseThrow(() -> CairnException.of(ErrorCode.UNAUTHORIZED, "the bearer token is not valid"));
    }
}
