package io.raftkv.kv;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.raftkv.kv.Log.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RangeTest {

    private final KvStateMachine sm = new KvStateMachine(Duration.ofMinutes(1));
    private final Log log = new Log();
    private long seq;

    private void put(Bytes key) {
        sm.apply(log.command(new KvCommand.Put(1, ++seq, 0, key, b("v"))));
    }

    @BeforeEach
    void fill() {
        for (String key : List.of("a", "user/", "user/1", "user/2", "user/3", "user0", "users", "z")) {
            put(b(key));
        }
        put(Bytes.copyOf(new byte[]{(byte) 0xff}));
        put(Bytes.copyOf(new byte[]{(byte) 0xff, (byte) 0xff, 1}));
        put(Bytes.copyOf(new byte[]{(byte) 0xfe, (byte) 0xff}));
    }

    private static List<Bytes> keys(RangeResult result) {
        return result.entries().stream().map(KeyValue::key).toList();
    }

    @Test
    void prefixSelectsAContiguousRun() {
        RangeResult users = sm.range(b("user/"), null, 100);
        assertThat(keys(users)).containsExactly(b("user/"), b("user/1"), b("user/2"), b("user/3"));
        assertThat(users.continuation()).isNull();
        assertThat(users.hasMore()).isFalse();
        assertThat(users.revision()).isEqualTo(sm.revision());
        assertThat(users.appliedIndex()).isEqualTo(sm.appliedIndex());
    }

    @Test
    void emptyPrefixIsEverythingInUnsignedOrder() {
        List<Bytes> all = keys(sm.range(Bytes.EMPTY, null, 100));
        assertThat(all).hasSize(11).isSorted();
        assertThat(all.get(all.size() - 1)).isEqualTo(Bytes.copyOf(new byte[]{(byte) 0xff, (byte) 0xff, 1}));
    }

    @Test
    void prefixOfHighBytes() {
        assertThat(keys(sm.range(Bytes.copyOf(new byte[]{(byte) 0xff}), null, 100)))
                .containsExactly(Bytes.copyOf(new byte[]{(byte) 0xff}), Bytes.copyOf(new byte[]{(byte) 0xff, (byte) 0xff, 1}));
        assertThat(keys(sm.range(Bytes.copyOf(new byte[]{(byte) 0xfe}), null, 100)))
                .containsExactly(Bytes.copyOf(new byte[]{(byte) 0xfe, (byte) 0xff}));
    }

    @Test
    void limitAndContinuationPageThroughExactlyOnce() {
        List<Bytes> seen = new ArrayList<>();
        Bytes after = null;
        int pages = 0;
        do {
            RangeResult page = sm.range(b("user"), after, 2);
            assertThat(page.entries()).hasSizeLessThanOrEqualTo(2);
            seen.addAll(keys(page));
            after = page.continuation();
            pages++;
        } while (after != null);
        assertThat(seen).containsExactly(b("user/"), b("user/1"), b("user/2"), b("user/3"), b("user0"), b("users"));
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void fullLastPageHasNoContinuationWhenNothingFollows() {
        RangeResult page = sm.range(b("user/"), b("user/1"), 2);
        assertThat(keys(page)).containsExactly(b("user/2"), b("user/3"));
        assertThat(page.continuation()).isNull();
    }

    @Test
    void startAfterBeforeOrOutsideThePrefix() {
        assertThat(keys(sm.range(b("user/"), b("a"), 1))).containsExactly(b("user/"));
        assertThat(sm.range(b("user/"), b("user/9"), 10).entries()).isEmpty();
        assertThat(sm.range(b("nothing"), null, 10).entries()).isEmpty();
    }

    @Test
    void limitMustBeInBounds() {
        assertThatThrownBy(() -> sm.range(Bytes.EMPTY, null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sm.range(Bytes.EMPTY, null, KvLimits.MAX_RANGE_LIMIT + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
