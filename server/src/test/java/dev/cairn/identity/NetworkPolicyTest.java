package dev.cairn.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cairn.error.CairnException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void ipv4_cidrs_contain_their_hosts_including_the_network_address() throws Exception {
        Cidr net = Cidr.parse("192.168.1.0/24");
        assertThat(net.contains(ip("192.168.1.1"))).isTrue();
        assertThat(net.contains(ip("192.168.1.0"))).isTrue();
        assertThat(net.contains(ip("192.168.2.1"))).isFalse();
        assertThat(Cidr.parse("192.168.1.77/24")).isEqualTo(net);
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
        assertThat(Cidr.parse("10.1.2.3").contains(ip("10.1.2.3"))).isTrue();
        assertThat(Cidr.parse("10.1.2.3").contains(ip("10.1.2.4"))).isFalse();
    }

    @Test
    void ipv6_cidrs_work_and_mapped_ipv4_addresses_count_as_ipv4() throws Exception {
        assertThat(Cidr.parse("::1/128").contains(ip("::1"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(ip("fd12:3456::1"))).isTrue();
        assertThat(Cidr.parse("fd00::/8").contains(ip("fe80::1"))).isFalse();
        assertThat(Cidr.parse("127.0.0.0/8").contains(InetAddress.getByAddress(
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1}))).isTrue();
        assertThat(Cidr.parse("::1/128").contains(ip("127.0.0.1"))).isFalse();
    }

    @Test
    void invalid_cidrs_are_configuration_errors_and_never_dns_lookups() {
        for (String bad : List.of("10.0.0.0/33", "300.1.1.1", "example.com", "10.0.0.0/x", "", "::1/129")) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(CairnException.class);
        }
    }

    @Test
    void forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() throws Exception {
        NetworkPolicy none = new NetworkPolicy(List.of(Cidr.parse("10.0.0.0/8")), List.of());
        assertThat(none.client(ip("127.0.0.1"), List.of("10.1.1.1"))).isEqualTo(ip("127.0.0.1"));

        NetworkPolicy proxied = new NetworkPolicy(List.of(Cidr.parse("10.0.0.0/8")),
                List.of(Cidr.parse("127.0.0.1"), Cidr.parse("172.16.0.0/12")));
        assertThat(proxied.client(ip("127.0.0.1"), List.of("10.1.1.1"))).isEqualTo(ip("10.1.1.1"));
        assertThat(proxied.client(ip("127.0.0.1"), List.of("6.6.6.6, 10.1.1.1, 172.16.0.9")))
                .as("trusted hops on the right are skipped, the first untrusted one is the client")
                .isEqualTo(ip("10.1.1.1"));
        assertThat(proxied.client(ip("127.0.0.1"), List.of("10.0.0.1", "8.8.8.8"))).isEqualTo(ip("8.8.8.8"));
        assertThat(proxied.client(ip("127.0.0.1"), List.of("garbage"))).isEqualTo(ip("127.0.0.1"));
        assertThat(proxied.client(ip("127.0.0.1"), List.of("10.2.2.2:443"))).isEqualTo(ip("10.2.2.2"));
        assertThat(proxied.client(ip("127.0.0.1"), List.of("[::1]:80"))).isEqualTo(ip("::1"));
    }
}
