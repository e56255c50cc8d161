package dev.cairn.identity;

import dev.cairn.error.CairnException;
import dev.cairn.error.ErrorCode;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IPv4 or IPv6 network in CIDR notation. A bare address is a single-host network.
 * IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}) are compared as IPv4, so a dual-stack
 * listener does not slip past an IPv4 allow-list.
 */
public record Cidr(byte[] network, int prefixLength, String text) {

    public Cidr {
        network = network.clone();
    }

    @Override
    public byte[] network() {
        return network.clone();
    }

    /** Parses {@code 10.0.0.0/8}, {@code ::1/128} or {@code 192.168.1.7}; never resolves host names. */
    public static Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literalAddress(address)
                .orElseThrow(() -> invalid(text, "not an IP address"));
        int max = bytes.length * 8;
        int prefix = slash < 0 ? max : prefix(trimmed.substring(slash + 1), max, text);
        return new Cidr(masked(bytes, prefix), prefix, trimmed);
    }

    public boolean contains(InetAddress address) {
        byte[] candidate = canonical(address);
        if (candidate.length != network.length) {
            return false;
        }
        return Arrays.equals(masked(candidate, prefixLength), network);
    }

    /** The address as compared: IPv4-mapped IPv6 becomes the 4-byte IPv4 form. */
    static byte[] canonical(InetAddress address) {
        byte[] raw = address.getAddress();
        if (address instanceof Inet6Address && isIpv4Mapped(raw)) {
            return Arrays.copyOfRange(raw, 12, 16);
        }
        return raw;
    }

    private static boolean isIpv4Mapped(byte[] raw) {
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff;
    }

    private static byte[] masked(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    private static int prefix(String digits, int max, String text) {
        try {
            int prefix = Integer.parseInt(digits);
            if (prefix < 0 || prefix > max) {
                throw invalid(text, "prefix length must be 0.." + max);
            }
            return prefix;
        } catch (NumberFormatException e) {
            throw invalid(text, "prefix length is not a number");
        }
    }

    /** Only numeric literals: InetAddress.getByName would otherwise do a DNS lookup. */
    static java.util.Optional<byte[]> literalAddress(String address) {
        boolean ipv4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}") && octetsInRange(address);
        boolean ipv6 = address.contains(":") && address.matches("[0-9A-Fa-f:.]+");
        if (!ipv4 && !ipv6) {
            return java.util.Optional.empty();
        }
        try {
            InetAddress parsed = InetAddress.getByName(address);
            if (ipv4 && !(parsed instanceof Inet4Address)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(canonical(parsed));
        } catch (UnknownHostException e) {
            return java.util.Optional.empty();
        }
    }

    private static boolean octetsInRange(String dotted) {
        for (String octet : dotted.split("\\.")) {
            if (Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    private static CairnException invalid(String text, String why) {
        return CairnException.of(ErrorCode.INVALID_CONFIGURATION, "'" + text + "' is not a valid CIDR: " + why);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr other && prefixLength == other.prefixLength && Arrays.equals(network, other.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }
}
