package io.raftkv.loadgen;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchOptionsTest {

    @Test
    void inconsistentSettingsAreRejectedNamingTheOption() {
        assertThatThrownBy(() -> BenchOptions.builder().target("mem://").clients(2).connections(3).build())
                .hasMessageContaining("--conns");
        assertThatThrownBy(() -> BenchOptions.builder().target("mem://").duration(Duration.ZERO).build())
                .hasMessageContaining("--total").hasMessageContaining("--duration");
        assertThatThrownBy(() -> BenchOptions.builder().target("mem://").keySize(1).keySpace(257).build())
                .hasMessageContaining("--key-space");
        assertThatThrownBy(() -> BenchOptions.builder().target("mem://").readRatio(1.5).build())
                .hasMessageContaining("--read-ratio");
        assertThatThrownBy(() -> BenchOptions.builder().target("").build()).hasMessageContaining("--target");
        assertThatThrownBy(() -> BenchOptions.builder().target("mem://").rateLimit(-1).build())
                .hasMessageContaining("--rate");
    }

    @Test
    void keysAreDistinctAndOfTheRequestedSize() {
        for (int size : new int[] {1, 2, 8, 16}) {
            long space = size == 1 ? 256 : 1000;
            KeySpace keys = new KeySpace(size, space);
            Set<String> seen = new HashSet<>();
            for (long i = 0; i < space; i++) {
                byte[] k = keys.key(i);
                assertThat(k).hasSize(size);
                assertThat(seen.add(java.util.HexFormat.of().formatHex(k))).as("key %d of size %d", i, size).isTrue();
            }
        }
        assertThatThrownBy(() -> new KeySpace(8, 10).key(10)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void targetUrisAreParsedOrRejectedClearly() {
        assertThat(BenchTargets.endpoints("etcd://a:1,b:2", "a:1,b:2"))
                .containsExactly(new BenchTargets.HostAndPort("a", 1), new BenchTargets.HostAndPort("b", 2));
        assertThatThrownBy(() -> BenchTargets.open("127.0.0.1:2379", 1)).hasMessageContaining("etcd://");
        assertThatThrownBy(() -> BenchTargets.open("etcd://host", 1)).hasMessageContaining("host:port");
        assertThatThrownBy(() -> BenchTargets.open("etcd://host:99999", 1)).hasMessageContaining("port");
        assertThatThrownBy(() -> BenchTargets.open("zk://host:1", 1)).hasMessageContaining("unknown target scheme");
        try (BenchTarget mem = BenchTargets.open("mem://", 3)) {
            assertThat(mem.connections()).isEqualTo(3);
        }
    }
}
