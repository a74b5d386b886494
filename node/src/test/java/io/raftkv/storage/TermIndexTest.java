package io.raftkv.storage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TermIndexTest {

    @Test
    void appendsRecordTermsAndOverwritesReplaceTheSuffix() {
        TermIndex terms = new TermIndex(0, 0);
        for (long i = 1; i <= 10; i++) {
            terms.append(i, i <= 5 ? 1 : 2);
        }
        terms.append(7, 3); // §5.3: a conflicting entry replaces it and everything after

        assertThat(terms.lastIndex()).isEqualTo(7);
        assertThat(terms.termAt(5)).isEqualTo(1);
        assertThat(terms.termAt(6)).isEqualTo(2);
        assertThat(terms.termAt(7)).isEqualTo(3);
        assertThat(terms.termAt(8)).isEqualTo(-1);
        assertThat(terms.termAt(0)).isZero();
    }

    @Test
    void gapsRewritingTheAnchorAndFallingTermsAreRefused() {
        TermIndex terms = new TermIndex(10, 4);
        terms.append(11, 4);

        assertThatThrownBy(() -> terms.append(13, 4)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> terms.append(10, 4)).hasMessageContaining("does not fit");
        assertThatThrownBy(() -> terms.append(12, 3)).hasMessageContaining("lower than");
    }

    @Test
    void rebaseKeepsLaterEntriesOnlyIfTheLogHoldsTheSnapshotEntry() {
        TermIndex terms = new TermIndex(0, 0);
        for (long i = 1; i <= 20; i++) {
            terms.append(i, i <= 10 ? 1 : 2);
        }

        assertThat(terms.rebase(12, 2)).isTrue();
        assertThat(terms.anchorIndex()).isEqualTo(12);
        assertThat(terms.termAt(13)).isEqualTo(2);
        assertThat(terms.termAt(11)).isEqualTo(-1);
        assertThat(terms.lastIndex()).isEqualTo(20);

        assertThat(terms.rebase(15, 9)).isFalse(); // the log disagrees: it is discarded
        assertThat(terms.lastIndex()).isEqualTo(15);
        assertThat(terms.termAt(15)).isEqualTo(9);
        assertThatThrownBy(() -> terms.rebase(14, 9)).hasMessageContaining("older than the log's base");
    }
}
