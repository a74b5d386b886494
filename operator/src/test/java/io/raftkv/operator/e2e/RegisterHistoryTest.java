package io.raftkv.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The linearizability check of write-once registers, on hand-made histories. */
class RegisterHistoryTest {

    @Test
    void concurrentReadsMaySeeEitherStateAndLaterReadsSeeTheWrite() {
        RegisterHistory h = new RegisterHistory();
        h.write("k", "v", 10, 20, true);
        h.read("k", null, 12, 18);   // overlaps the write: absent is fine
        h.read("k", "v", 15, 19);    // overlaps the write: the value is fine
        h.read("k", "v", 30, 40);
        assertThat(h.violations()).isEmpty();
        assertThat(h.reads()).isEqualTo(3);
    }

    @Test
    void aStaleReadAfterTheAcknowledgementIsAViolation() {
        RegisterHistory h = new RegisterHistory();
        h.write("k", "v", 10, 20, true);
        h.read("k", null, 25, 30);
        assertThat(h.violations()).singleElement().asString().contains("read absent");
    }

    @Test
    void aValueFromTheFutureOrNeverWrittenIsAViolation() {
        RegisterHistory h = new RegisterHistory();
        h.write("k", "v", 10, 20, true);
        h.read("k", "v", 1, 5);
        h.read("j", "x", 1, 5);
        assertThat(h.violations()).hasSize(2);
    }

    @Test
    void readsMayNotGoBack() {
        RegisterHistory h = new RegisterHistory();
        h.write("k", "v", 10, 100, false); // unanswered: it may take effect at any time after 10
        h.read("k", "v", 20, 30);
        h.read("k", null, 40, 50);
        assertThat(h.violations()).singleElement().asString().contains("after an earlier read");
    }

    @Test
    void retriesOfAWriteCountAsOneAcknowledgedByTheFirstSuccess() {
        RegisterHistory h = new RegisterHistory();
        h.write("k", "v", 10, 20, false);
        h.write("k", "v", 25, 30, true);
        h.read("k", null, 22, 24);
        h.read("k", "v", 21, 27); // the first attempt may have taken effect meanwhile
        assertThat(h.violations()).isEmpty();
        h.read("k", null, 35, 40); // after the acknowledgement (and after a read of the value): stale
        assertThat(h.violations()).anyMatch(v -> v.contains("after the write was acknowledged"));
    }

    @Test
    void anUnansweredWriteMayHaveHappenedOrNot() {
        RegisterHistory h = new RegisterHistory();
        h.write("k", "v", 10, 20, false);
        h.read("k", null, 30, 40);
        h.write("j", "w", 10, 20, false);
        h.read("j", "w", 30, 40);
        assertThat(h.violations()).isEmpty();
    }
}
