package io.raftkv.replica;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raftkv.raft.Entry;
import io.raftkv.raft.Membership;
import io.raftkv.raft.SnapshotMeta;
import io.raftkv.raft.message.AppendEntries;
import io.raftkv.raft.message.AppendResponse;
import io.raftkv.raft.message.Heartbeat;
import io.raftkv.raft.message.HeartbeatResponse;
import io.raftkv.raft.message.InstallSnapshot;
import io.raftkv.raft.message.Message;
import io.raftkv.raft.message.ReadIndexRequest;
import io.raftkv.raft.message.ReadIndexResponse;
import io.raftkv.raft.message.SnapshotResponse;
import io.raftkv.raft.message.TimeoutNow;
import io.raftkv.raft.message.VoteRequest;
import io.raftkv.raft.message.VoteResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PeerCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Message roundTrip(Message m) throws Exception {
        ObjectNode o = PeerCodec.encode(m);
        byte[] wire = JSON.writeValueAsBytes(o);
        return PeerCodec.decode(JSON.readTree(wire), m.from(), m.to());
    }

    @Test
    void everyMessageKindSurvivesTheWire() throws Exception {
        List<Entry> entries = List.of(Entry.noop(8, 3), Entry.normal(9, 3, "put k v".getBytes(StandardCharsets.UTF_8)),
                new Entry(10, 4, io.raftkv.raft.EntryType.MEMBERSHIP, Membership.ofVoters(Set.of(1L, 2L, 3L)).encode()));
        SnapshotMeta meta = new SnapshotMeta(40, 3, Membership.ofVoters(Set.of(1L, 2L)), 1234);
        List<Message> all = List.of(
                new VoteRequest(1, 2, 5, 10, 4, true, false),
                new VoteRequest(1, 2, 5, 10, 4, false, true),
                new VoteResponse(2, 1, 5, true, true),
                new VoteResponse(2, 1, 5, false, false),
                new AppendEntries(1, 2, 4, 7, 3, entries, 6, 2),
                new AppendEntries(1, 2, 4, 7, 3, List.of(), 6, 0),
                new AppendResponse(2, 1, 4, true, 10, 0, 0, 2),
                new AppendResponse(2, 1, 4, false, 7, 5, 2, 0),
                new Heartbeat(1, 2, 4, 6, 9),
                new HeartbeatResponse(2, 1, 4, 9, 10),
                new InstallSnapshot(1, 2, 4, meta, 512, new byte[]{1, 2, 3}, true),
                new SnapshotResponse(2, 1, 4, 40, 515, false),
                new TimeoutNow(1, 2, 4),
                new ReadIndexRequest(2, 1, 4, 77),
                new ReadIndexResponse(1, 2, 4, 77, 10, true));
        for (Message m : all) {
            assertThat(roundTrip(m)).as(m.toString()).isEqualTo(m);
            assertThat(PeerCodec.isPeerType(PeerCodec.encode(m).get("type").asText())).isTrue();
        }
    }

    @Test
    void clientTypesAreNotPeerTypes() {
        for (String t : List.of("get", "put", "ok", "fail", "redirect", "hello")) {
            assertThat(PeerCodec.isPeerType(t)).as(t).isFalse();
        }
    }

    @Test
    void aFullBatchStaysUnderTheSimulatorsPacketLimit() throws Exception {
        ReplicaSettings s = ReplicaSettings.defaults();
        ReplicaWriter writer = new ReplicaWriter(7);
        List<Entry> entries = new ArrayList<>();
        int bytes = 0;
        long index = 1;
        while (true) {
            // Incompressible worst case: values of random-looking characters, as long as a put may be.
            byte[] cmd = writer.put("k" + index, "x".repeat(s.maxMessageBytes() / 40) + index, index).bytes();
            Entry e = Entry.normal(index, 1_000_000_000L, cmd);
            if (bytes + e.sizeBytes() > s.maxMessageBytes()) {
                break;
            }
            bytes += e.sizeBytes();
            entries.add(e);
            index++;
        }
        AppendEntries a = new AppendEntries(1, 2, 1_000_000_000L, 0, 0, entries, 999_999_999L, 999_999L);
        ObjectNode o = PeerCodec.encode(a);
        o.put("src", "FFFE").put("dst", "FFFE").put("leader", "FFFE");
        assertThat(JSON.writeValueAsBytes(o).length).isLessThanOrEqualTo(ReplicaSettings.PACKET_LIMIT);
        // ...and one entry of the largest accepted put, alone, too.
        byte[] biggest = new byte[s.maxMessageBytes() - Entry.OVERHEAD_BYTES];
        ObjectNode one = PeerCodec.encode(new AppendEntries(1, 2, 1, 0, 0, List.of(Entry.normal(1, 1, biggest)), 0, 0));
        assertThat(JSON.writeValueAsBytes(one).length).isLessThan(ReplicaSettings.PACKET_LIMIT - 200);
    }

    @Test
    void malformedPeerMessagesAreRejectedWithTheFieldNamed() throws Exception {
        assertThatThrownBy(() -> PeerCodec.decode(JSON.readTree("{\"type\":\"A\",\"t\":1}"), 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'pi'");
        assertThatThrownBy(() -> PeerCodec.decode(JSON.readTree(
                "{\"type\":\"A\",\"t\":1,\"pi\":0,\"pt\":0,\"c\":0,\"e\":[[1,9,\"\"]]}"), 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("entry kind 9");
        assertThatThrownBy(() -> PeerCodec.decode(JSON.readTree("{\"type\":\"ZZ\",\"t\":1}"), 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ZZ");
    }
}
