package io.raftkv.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.raftkv.server.InProcessCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * etcd's Java client (jetcd) against RaftKV: the options etcdctl 3.4 cannot send (count_only, the revision
 * filters, sorting with a limit, keys_only), transactions, errors. The same session also runs against etcd when it
 * is installed, and both transcripts must be equal (IDs and terms are not in them).
 */
class JetcdKvTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void jetcdGetsWhatEtcdGives() throws Exception {
        List<String> raftkv;
        try (InProcessCluster cluster = new InProcessCluster(3)) {
            cluster.awaitLeader();
            try (Client client = Client.builder().endpoints(cluster.endpoints().stream()
                    .map(e -> "http://" + e).toArray(String[]::new)).build()) {
                raftkv = session(client.getKVClient());
            }
        }
        assertThat(raftkv).contains(
                "count-only a*: count=4 kvs=[] more=false",
                "keys-only a*: count=4 kvs=[a@2/7v2, ab@3/3v1, abc@4/4v1, ac@5/5v1] more=false",
                "limit 2 by mod desc: count=4 kvs=[a@2/7v2=v2, ac@5/5v1=v] more=true",
                "min-mod 4: count=4 kvs=[abc@4/4v1=v, ac@5/5v1=v] more=false",
                "create 3..4 limit 1: count=4 kvs=[ab@3/3v1=v] more=true",
                "at rev 3: count=2 kvs=[a@2/2v1=v, ab@3/3v1=v] more=false",
                "txn value(k)=v: succeeded=true rev=9",
                "txn version(k)>5: succeeded=false rev=9 gets=[count=1 kvs=[k@8/9v2=2] more=false]",
                "compacted read: io.grpc.StatusRuntimeException: OUT_OF_RANGE: etcdserver: mvcc: required revision"
                        + " has been compacted",
                "duplicate: io.grpc.StatusRuntimeException: INVALID_ARGUMENT: etcdserver: duplicate key given in txn"
                        + " request");
        if (LocalEtcd.installed("etcd") && LocalEtcd.installed("etcdctl")) {
            List<String> etcd;
            try (LocalEtcd server = LocalEtcd.start(dir);
                 Client client = Client.builder().endpoints("http://" + server.endpoint).build()) {
                etcd = session(client.getKVClient());
            }
            assertThat(raftkv).isEqualTo(etcd);
        }
    }

    private static List<String> session(KV kv) throws Exception {
        List<String> out = new ArrayList<>();
        for (String k : List.of("a", "ab", "abc", "ac", "b")) {
            kv.put(bs(k), bs("v")).get(10, TimeUnit.SECONDS); // revisions 2..6
        }
        kv.put(bs("a"), bs("v2")).get(10, TimeUnit.SECONDS); // 7
        GetOption prefix = GetOption.builder().isPrefix(true).build();
        out.add("prefix a*: " + show(kv.get(bs("a"), prefix).get()));
        out.add("count-only a*: " + show(kv.get(bs("a"), GetOption.builder().isPrefix(true).withCountOnly(true)
                .build()).get()));
        out.add("keys-only a*: " + show(kv.get(bs("a"), GetOption.builder().isPrefix(true).withKeysOnly(true)
                .build()).get()));
        out.add("limit 2 by mod desc: " + show(kv.get(bs("a"), GetOption.builder().isPrefix(true).withLimit(2)
                .withSortField(GetOption.SortTarget.MOD).withSortOrder(GetOption.SortOrder.DESCEND).build()).get()));
        out.add("limit 2: " + show(kv.get(bs("a"), GetOption.builder().isPrefix(true).withLimit(2).build()).get()));
        out.add("min-mod 4: " + show(kv.get(bs("a"), GetOption.builder().isPrefix(true).withMinModRevision(4)
                .withMaxModRevision(6).withSortField(GetOption.SortTarget.MOD).build()).get()));
        out.add("create 3..4 limit 1: " + show(kv.get(bs("a"), GetOption.builder().isPrefix(true)
                .withMinCreateRevision(3).withMaxCreateRevision(4).withLimit(1).build()).get()));
        out.add("at rev 3: " + show(kv.get(bs("a"), GetOption.builder().isPrefix(true).withRevision(3).build())
                .get()));
        out.add("sorted by value, version: " + show(kv.get(bs("a"), GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.VERSION).withSortOrder(GetOption.SortOrder.DESCEND).build())
                .get()));
        TxnResponse t = kv.txn().If(new Cmp(bs("a"), Cmp.Op.EQUAL, CmpTarget.value(bs("v2"))))
                .Then(Op.put(bs("k"), bs("1"), PutOption.DEFAULT), Op.get(bs("a"), GetOption.DEFAULT))
                .Else(Op.delete(bs("a"), DeleteOption.DEFAULT)).commit().get();
        out.add("txn value(a)=v2: succeeded=" + t.isSucceeded() + " rev=" + t.getHeader().getRevision()
                + " gets=" + t.getGetResponses().stream().map(JetcdKvTest::show).toList());
        t = kv.txn().If(new Cmp(bs("k"), Cmp.Op.EQUAL, CmpTarget.value(bs("1"))),
                        new Cmp(bs("k"), Cmp.Op.LESS, CmpTarget.modRevision(100)))
                .Then(Op.put(bs("k"), bs("2"), PutOption.DEFAULT)).commit().get();
        out.add("txn value(k)=v: succeeded=" + t.isSucceeded() + " rev=" + t.getHeader().getRevision());
        t = kv.txn().If(new Cmp(bs("k"), Cmp.Op.GREATER, CmpTarget.version(5)))
                .Then(Op.put(bs("k"), bs("3"), PutOption.DEFAULT))
                .Else(Op.get(bs("k"), GetOption.DEFAULT)).commit().get();
        out.add("txn version(k)>5: succeeded=" + t.isSucceeded() + " rev=" + t.getHeader().getRevision()
                + " gets=" + t.getGetResponses().stream().map(JetcdKvTest::show).toList());
        out.add("delete a* prev: " + kv.delete(bs("a"), DeleteOption.builder().isPrefix(true).withPrevKV(true)
                .build()).get().getPrevKvs().stream().map(JetcdKvTest::show).toList());
        kv.compact(6).get();
        out.add("compacted read: " + error(kv.get(bs("a"), GetOption.builder().withRevision(5).build())));
        out.add("read at compacted rev: " + show(kv.get(bs("a"), GetOption.builder().isPrefix(true)
                .withRevision(6).build()).get()));
        out.add("future read: " + error(kv.get(bs("a"), GetOption.builder().withRevision(1000).build())));
        out.add("duplicate: " + error(kv.txn().Then(Op.put(bs("x"), bs("1"), PutOption.DEFAULT),
                Op.put(bs("x"), bs("2"), PutOption.DEFAULT)).commit()));
        out.add("empty key: " + error(kv.put(bs(""), bs("1"))));
        return out;
    }

    private static String error(Future<?> f) throws InterruptedException {
        try {
            f.get(10, TimeUnit.SECONDS);
            return "no error";
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            return c instanceof EtcdException ee ? ee.getErrorCode() + " " + ee.getMessage() : String.valueOf(c);
        } catch (java.util.concurrent.TimeoutException e) {
            return "timeout";
        }
    }

    private static String show(GetResponse r) {
        return "count=" + r.getCount() + " kvs=" + r.getKvs().stream().map(JetcdKvTest::show).toList()
                + " more=" + r.isMore();
    }

    private static String show(KeyValue kv) {
        return kv.getKey().toString(StandardCharsets.UTF_8) + "@" + kv.getCreateRevision() + "/"
                + kv.getModRevision() + "v" + kv.getVersion()
                + (kv.getValue().isEmpty() ? "" : "=" + kv.getValue().toString(StandardCharsets.UTF_8));
    }

    private static ByteSequence bs(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
