package dev.cairn.identity;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a request's credentials into one {@link Principal}, whatever proved it. No credentials is
 * the network principal, or, over TLS with a verified client certificate, whom
 * {@link ClientCertificates} maps the certificate to ({@code 401} when nobody). A bearer token goes
 * to the first {@link CredentialProvider} that claims its shape, in this fixed order:
 * <ol>
 *   <li>the admin token ({@code ADMIN_TOKEN}, that exact value);</li>
 *   <li>login sessions ({@code cairn_st_…});</li>
 *   <li>platform tokens ({@code cairn_pt_…});</li>
 *   <li>the providers {@link Builder#add added} from outside, in the order added (realm members'
 *       {@code rm_…} keys and Cairn's own member JWTs): each must claim a shape of its own, and
 *       comes before the general JWT provider so it can claim JWTs it issued;</li>
 *   <li>JWTs (three dot-separated parts), when {@code JWT_SECRET} or {@code JWT_JWKS_URL} is set;</li>
 *   <li>OAuth2 introspection, when {@code OAUTH2_INTROSPECTION_URL} is set: any other token.</li>
 * </ol>
 * The provider that claims a token alone judges it; a token nobody claims, or another scheme than
 * {@code Bearer}, is {@code 401}. Immutable; safe for concurrent use (the providers' caches are
 * their own).
 */
public final class Authenticator {

    private final List<CredentialProvider> providers;
    private final ClientCertificates certificates;

    /** The house's providers without OAuth2 introspection, client certificates or added ones. */
    public Authenticator(AdminToken admin, PlatformTokens tokens, Optional<JwtVerifier> jwts, SessionTokens sessions) {
        this(builder().admin(admin).platformTokens(tokens).jwts(jwts).sessions(sessions));
    }

    private Authenticator(Builder builder) {
        List<CredentialProvider> ordered = new ArrayList<>();
        ordered.add(new AdminTokenProvider(builder.admin, builder.jwts.isPresent()));
        ordered.add(new SessionTokenProvider(builder.sessions));
        builder.platformTokens.ifPresent(tokens -> ordered.add(new PlatformTokenProvider(tokens)));
        ordered.addAll(builder.added);
        builder.jwts.ifPresent(verifier -> ordered.add(new JwtProvider(verifier)));
        builder.introspection.ifPresent(ordered::add);
        this.providers = List.copyOf(ordered);
        this.certificates = builder.certificates;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A request's principal from its {@code Authorization} header alone (no client certificate). */
    public Principal resolve(Optional<String> authorization, String clientAddress) {
        return resolve(authorization, Optional.empty(), clientAddress);
    }

    /**
     * A request's principal: its {@code Authorization} header when it has one (a client certificate
     * beside it changes nothing), else its verified client certificate, else the network's.
     */
    public Principal resolve(Optional<String> authorization, Optional<X509Certificate> clientCertificate,
                             String clientAddress) {
        Optional<String> header = authorization.map(String::strip).filter(h -> !h.isEmpty());
        if (header.isEmpty()) {
            return clientCertificate.map(this::certified).orElseGet(() -> new Principal.Network(clientAddress));
        }
        if (!header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw CairnException.of(ErrorCode.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'");
        }
        return bearer(header.get().substring(7).strip());
    }

    /** The principal a bearer token proves: the first provider that claims it judges it. */
    public Principal bearer(String token) {
        for (CredentialProvider provider : providers) {
            if (provider.claims(token)) {
                return provider.authenticate(token);
            }
        }
        throw CairnException.of(ErrorCode.UNAUTHORIZED, "the bearer token is not valid");
    }

    private Principal certified(X509Certificate certificate) {
        String subject = CertificateNames.subject(certificate);
        return certificates.principal(subject, CertificateNames.altNames(certificate)).orElseThrow(() ->
                CairnException.of(ErrorCode.UNAUTHORIZED, "the client certificate " + subject + " names no member"));
    }

    /** Three parts separated by dots (the verifier judges the rest); platform tokens never contain a dot. */
    static boolean looksLikeJwt(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        return second > 0 && token.indexOf('.', second + 1) < 0;
    }

    /**
     * What an authenticator is made of. The order the providers are tried in is the fixed one of
     * {@link Authenticator}, whatever order they are given in here.
     */
    public static final class Builder {

        private AdminToken admin = AdminToken.of(Optional.empty());
        private SessionTokens sessions = SessionTokens.NONE;
        private Optional<PlatformTokens> platformTokens = Optional.empty();
        private final List<CredentialProvider> added = new ArrayList<>();
        private Optional<JwtVerifier> jwts = Optional.empty();
        private Optional<CredentialProvider> introspection = Optional.empty();
        private ClientCertificates certificates = ClientCertificates.NONE;

        private Builder() {
        }

        public Builder admin(AdminToken admin) {
            this.admin = admin;
            return this;
        }

        public Builder sessions(SessionTokens sessions) {
            this.sessions = sessions;
            return this;
        }

        public Builder platformTokens(PlatformTokens tokens) {
            this.platformTokens = Optional.of(tokens);
            return this;
        }

        /** Tried after the built-in prefixed tokens and before JWTs and introspection, in the order added. */
        public Builder add(CredentialProvider provider) {
            added.add(provider);
            return this;
        }

        public Builder jwts(Optional<JwtVerifier> verifier) {
            this.jwts = verifier;
            return this;
        }

        public Builder introspection(Optional<OAuth2Introspection> introspection) {
            this.introspection = introspection.map(i -> i);
            return this;
        }

        public Builder clientCertificates(ClientCertificates certificates) {
            this.certificates = certificates;
            return this;
        }

        public Authenticator build() {
            return new Authenticator(this);
        }
    }
}
