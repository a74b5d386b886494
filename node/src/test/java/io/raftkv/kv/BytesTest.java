package io.raftkv.kv;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BytesTest {

    @Test
    void ordersAsUnsignedBytes() {
        Bytes low = Bytes.copyOf(new byte[]{0x7f});
        Bytes high = Bytes.copyOf(new byte[]{(byte) 0x80});
        assertThat(low).isLessThan(high);
        assertThat(Bytes.copyOf(new byte[]{1})).isLessThan(Bytes.copyOf(new byte[]{1, 0}));
        assertThat(Bytes.EMPTY).isLessThan(Bytes.copyOf(new byte[]{0}));
    }

    @Test
    void copiesInAndOutSoItCannotBeChanged() {
        byte[] source = {1, 2, 3};
        Bytes bytes = Bytes.copyOf(source);
        source[0] = 9;
        bytes.toByteArray()[1] = 9;
        assertThat(bytes.toByteArray()).containsExactly(1, 2, 3);
        ByteBuffer view = bytes.asReadOnlyByteBuffer();
        assertThat(view.isReadOnly()).isTrue();
        assertThatThrownBy(() -> view.put(0, (byte) 7)).isInstanceOf(java.nio.ReadOnlyBufferException.class);
    }

    @Test
    void equalityAndHashFollowContent() {
        assertThat(Bytes.utf8("abc")).isEqualTo(Bytes.copyOf(new byte[]{'a', 'b', 'c'}))
                .hasSameHashCodeAs(Bytes.copyOf(new byte[]{'a', 'b', 'c'}));
        assertThat(Bytes.utf8("abc")).isNotEqualTo(Bytes.utf8("abd"));
        assertThat(Bytes.copyOf(new byte[0])).isSameAs(Bytes.EMPTY);
    }

    @Test
    void prefixAndText() {
        assertThat(Bytes.utf8("user/1").startsWith(Bytes.utf8("user/"))).isTrue();
        assertThat(Bytes.utf8("use").startsWith(Bytes.utf8("user/"))).isFalse();
        assertThat(Bytes.utf8("x").startsWith(Bytes.EMPTY)).isTrue();
        assertThat(Bytes.utf8("héllo").toStringUtf8()).isEqualTo("héllo");
        assertThat(Bytes.utf8("key").toString()).isEqualTo("\"key\"");
        assertThat(Bytes.copyOf(new byte[]{0, (byte) 0xff}).toString()).isEqualTo("0x00ff");
        assertThat(Bytes.copyOf(new byte[100]).toString()).endsWith("...(100 bytes)");
    }
}
