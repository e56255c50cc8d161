package dev.cairn.server;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The TLS listener beside the plain one: the same routes, over HTTPS and WSS.
 *
 * @param cert     the server's certificate chain, PEM ({@code TLS_CERT})
 * @param key      its private key, PEM PKCS#8 ({@code TLS_KEY})
 * @param clientCa the CA certificates client certificates are verified against, PEM ({@code TLS_CLIENT_CA});
 *                 none: no client certificate is asked for
 * @param port     {@code TLS_PORT}; 0 takes a free port
 */
public record TlsSettings(Path cert, Path key, Optional<Path> clientCa, int port) {
}
