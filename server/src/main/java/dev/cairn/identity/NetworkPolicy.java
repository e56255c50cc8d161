package dev.cairn.identity;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Who is calling, by network address, and whether that address may call at all.
 *
 * <p>The client is the socket peer. {@code X-Forwarded-For} is read only when the peer is a
 * trusted proxy, and then from the right: each hop that is itself a trusted proxy is skipped and
 * the first untrusted address is the client. Entries to its left were written by the client and
 * prove nothing, which is how the StoneScript gateway's allow-list was bypassed.
 */
public record NetworkPolicy(List<Cidr> allowed, List<Cidr> trustedProxies) {

    public NetworkPolicy {
        allowed = List.copyOf(allowed);
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** The client's address for this request. */
    public InetAddress client(InetAddress socketPeer, List<String> forwardedFor) {
        InetAddress peer = toAddress(Cidr.canonical(socketPeer)).orElse(socketPeer);
        if (!within(trustedProxies, peer)) {
            return peer;
        }
        List<String> hops = forwardedFor.stream()
                .flatMap(header -> java.util.Arrays.stream(header.split(",")))
                .map(String::trim)
                .filter(h -> !h.isEmpty())
                .toList();
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = parse(hops.get(i));
            if (hop.isEmpty()) {
                return client; // garbage in the chain: stop at the last address we could trust
            }
            client = hop.get();
            if (!within(trustedProxies, client)) {
                return client;
            }
        }
        return client;
    }

    public boolean allows(InetAddress client) {
        return within(allowed, client);
    }

    private static boolean within(List<Cidr> networks, InetAddress address) {
        for (Cidr cidr : networks) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Accepts {@code 1.2.3.4}, {@code 1.2.3.4:5678}, {@code ::1} and {@code [::1]:80}; never resolves names. */
    static Optional<InetAddress> parse(String hop) {
        String host = hop;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(1, end);
        } else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') > 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        return Cidr.literalAddress(host).flatMap(NetworkPolicy::toAddress);
    }

    private static Optional<InetAddress> toAddress(byte[] bytes) {
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }
}
