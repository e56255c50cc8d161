package dev.cairn.identity;

/**
 * One way of proving who a request is: the bearer tokens of one shape (a prefix, a JWT's three
 * parts, one configured value) and how they are judged. The {@link Authenticator} asks its
 * providers in a fixed order whether they {@link #claims claim} a token; the first that does is the
 * only one that judges it, so a token a provider owns but refuses is that provider's {@code 401},
 * never passed on (an invalid JWT is not sent to an introspection endpoint). Implementations are
 * safe for concurrent use.
 */
public interface CredentialProvider {

    /**
     * Whether the token is of this provider's shape: decided from the token alone, without I/O, so a
     * token is never sent to a server that is not its own.
     */
    boolean claims(String token);

    /**
     * The principal the token proves; only asked for a token this provider claims. Throws
     * {@code 401 unauthorized} saying why when it proves nobody, or the error of the server that
     * judges it when that server fails ({@code 502 upstream_failed}, {@code 504 upstream_timeout}).
     */
    Principal authenticate(String token);
}
