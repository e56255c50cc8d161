package dev.cairn.realm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Version ranges as contracts write them, and what a bridge judges of two contracts. */
class SemverTest {

    static boolean admits(String range, String version) {
        return Semver.range(range).orElseThrow().admits(Semver.parse(version).orElseThrow());
    }

    @Test
    void ranges_admit_what_npm_style_ranges_admit() {
        assertThat(admits(">=1.0.0", "3.2.1")).isTrue();
        assertThat(admits(">=1.0.0", "0.9.9")).isFalse();
        assertThat(admits("^1.2.0", "1.9.0")).isTrue();
        assertThat(admits("^1.2.0", "2.0.0")).isFalse();
        assertThat(admits("^1.2.0", "1.1.9")).isFalse();
        assertThat(admits("^0.2.0", "0.3.0")).isFalse();
        assertThat(admits("~1.2.0", "1.2.9")).isTrue();
        assertThat(admits("~1.2.0", "1.3.0")).isFalse();
        assertThat(admits("1.x", "1.99.0")).isTrue();
        assertThat(admits("1.x", "2.0.0")).isFalse();
        assertThat(admits("1.2.3", "1.2.3")).isTrue();
        assertThat(admits("1.2.3", "1.2.4")).isFalse();
        assertThat(admits(">=1.0.0 <2.0.0", "1.5.0")).isTrue();
        assertThat(admits("*", "9.9.9")).isTrue();
        assertThat(Semver.range("^1.2.0").orElseThrow().floor()).isEqualTo(new Semver(1, 2, 0));
        assertThat(Semver.range(">=banana")).isEmpty();
        assertThat(Semver.range("1.x.3")).isEmpty();
        assertThat(Semver.parse("1.2")).isEmpty();
        assertThat(Semver.parse("01.2.3")).isEmpty();
    }

    static ContractStore.Row contract(String name, String provided, String required) {
        return new ContractStore.Row(name, "1.0.0", Optional.empty(), RealmJson.read(provided), RealmJson.read(required), "");
    }

    @Test
    void a_missing_capability_or_another_major_is_an_error_an_older_minor_a_warning() {
        var local = new Compatibility.Side("l", Optional.of("lc"), Optional.of(contract("lc", "[]",
                "[{\"capability\": \"a\", \"version\": \"^1.2.0\"}, {\"capability\": \"b\", \"version\": \">=2.0.0\"},"
                        + " {\"capability\": \"c\", \"version\": \"1.x\"}, {\"capability\": \"d\", \"version\": \"~1.4.0\"}]")));
        var remote = new Compatibility.Side("r", Optional.of("rc"), Optional.of(contract("rc",
                "[{\"capability\": \"a\", \"version\": \"1.1.0\"}, {\"capability\": \"b\", \"version\": \"1.0.0\"},"
                        + " {\"capability\": \"d\", \"version\": \"1.5.0\"}]", "[]")));
        Compatibility.Judgement j = Compatibility.judge(local, remote);
        assertThat(j.compatible()).isFalse();
        assertThat(j.warnings()).containsExactly("realm l requires a ^1.2.0; realm r provides 1.1.0: the same major,"
                + " but older than the range asks");
        assertThat(j.errors()).containsExactly(
                "realm l requires b >=2.0.0; realm r provides 1.0.0, outside the range",
                "realm l requires c 1.x, which realm r does not provide (rc@1.0.0)",
                "realm l requires d ~1.4.0; realm r provides 1.5.0, outside the range");
    }

    @Test
    void requirements_are_checked_both_ways_and_a_missing_contract_is_an_error() {
        var needsPing = new Compatibility.Side("l", Optional.of("lc"), Optional.of(contract("lc", "[]",
                "[{\"capability\": \"ping\", \"version\": \"*\"}]")));
        var gone = new Compatibility.Side("r", Optional.of("gone"), Optional.empty());
        assertThat(Compatibility.judge(gone, needsPing).errors()).containsExactly(
                "realm r names contract gone, which does not exist",
                "realm l requires ping *, which realm r does not provide");
        var none = new Compatibility.Side("n", Optional.empty(), Optional.empty());
        assertThat(Compatibility.judge(none, none).warnings()).hasSize(2);
        assertThat(Compatibility.judge(none, none).compatible()).isTrue();
    }
}
