package io.raftkv.etcd;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.Status;
import io.raftkv.kv.Bytes;
import io.raftkv.kv.Compare;
import io.raftkv.kv.KeyRange;
import io.raftkv.kv.KeyValue;
import io.raftkv.kv.OpResult;
import io.raftkv.kv.RangeQuery;
import io.raftkv.kv.TxnOp;
import io.raftkv.kv.TxnRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * Translates etcd's protobuf messages (rpc.proto, kv.proto; the classes of io.etcd:jetcd-grpc) to the store's
 * request and result types and back. Pure functions.
 */
final class EtcdProtos {

    /** Compare.target LEASE and Compare.lease (field 8): in etcd's rpc.proto, missing from jetcd's copy. */
    private static final int COMPARE_TARGET_LEASE = 4;
    private static final int COMPARE_LEASE_FIELD = 8;

    private EtcdProtos() {
    }

    static Bytes bytes(ByteString b) {
        return b.isEmpty() ? Bytes.EMPTY : Bytes.copyOf(b.asReadOnlyByteBuffer());
    }

    static ByteString byteString(Bytes b) {
        return b.isEmpty() ? ByteString.EMPTY : ByteString.copyFrom(b.asReadOnlyByteBuffer());
    }

    static RangeQuery query(RangeRequest r) {
        RangeQuery.SortOrder order = switch (r.getSortOrder()) {
            case NONE -> RangeQuery.SortOrder.NONE;
            case ASCEND -> RangeQuery.SortOrder.ASCEND;
            case DESCEND -> RangeQuery.SortOrder.DESCEND;
            case UNRECOGNIZED -> throw invalid("unknown sort order " + r.getSortOrderValue());
        };
        RangeQuery.SortTarget target = switch (r.getSortTarget()) {
            case KEY -> RangeQuery.SortTarget.KEY;
            case VERSION -> RangeQuery.SortTarget.VERSION;
            case CREATE -> RangeQuery.SortTarget.CREATE;
            case MOD -> RangeQuery.SortTarget.MOD;
            case VALUE -> RangeQuery.SortTarget.VALUE;
            case UNRECOGNIZED -> throw invalid("unknown sort target " + r.getSortTargetValue());
        };
        return new RangeQuery(new KeyRange(bytes(r.getKey()), bytes(r.getRangeEnd())), r.getLimit(), r.getRevision(),
                order, target, r.getKeysOnly(), r.getCountOnly(), r.getMinModRevision(), r.getMaxModRevision(),
                r.getMinCreateRevision(), r.getMaxCreateRevision());
    }

    static TxnOp.Put put(PutRequest p) {
        return new TxnOp.Put(bytes(p.getKey()), bytes(p.getValue()), p.getLease(), p.getPrevKv(), p.getIgnoreValue(),
                p.getIgnoreLease());
    }

    static TxnOp.DeleteRange delete(DeleteRangeRequest d) {
        return new TxnOp.DeleteRange(new KeyRange(bytes(d.getKey()), bytes(d.getRangeEnd())), d.getPrevKv());
    }

    static TxnRequest txn(io.etcd.jetcd.api.TxnRequest t) {
        List<Compare> compares = new ArrayList<>(t.getCompareCount());
        for (io.etcd.jetcd.api.Compare c : t.getCompareList()) {
            compares.add(compare(c));
        }
        return new TxnRequest(compares, ops(t.getSuccessList()), ops(t.getFailureList()));
    }

    private static List<TxnOp> ops(List<RequestOp> ops) {
        List<TxnOp> out = new ArrayList<>(ops.size());
        for (RequestOp op : ops) {
            out.add(switch (op.getRequestCase()) {
                case REQUEST_RANGE -> new TxnOp.Range(query(op.getRequestRange()));
                case REQUEST_PUT -> put(op.getRequestPut());
                case REQUEST_DELETE_RANGE -> delete(op.getRequestDeleteRange());
                case REQUEST_TXN -> new TxnOp.Txn(txn(op.getRequestTxn()));
                case REQUEST_NOT_SET -> throw invalid("a txn operation has no request");
            });
        }
        return out;
    }

    /** etcd reads the operand only from the union member that matches the target; any other reads as zero. */
    private static Compare compare(io.etcd.jetcd.api.Compare c) {
        KeyRange range = new KeyRange(bytes(c.getKey()), bytes(c.getRangeEnd()));
        Compare.Result result = switch (c.getResult()) {
            case EQUAL -> Compare.Result.EQUAL;
            case GREATER -> Compare.Result.GREATER;
            case LESS -> Compare.Result.LESS;
            case NOT_EQUAL -> Compare.Result.NOT_EQUAL;
            case UNRECOGNIZED -> throw invalid("unknown compare result " + c.getResultValue());
        };
        io.etcd.jetcd.api.Compare.TargetUnionCase u = c.getTargetUnionCase();
        if (c.getTargetValue() == COMPARE_TARGET_LEASE) {
            var lease = c.getUnknownFields().getField(COMPARE_LEASE_FIELD).getVarintList();
            return new Compare(range, Compare.Target.LEASE, result, lease.isEmpty() ? 0 : lease.get(lease.size() - 1),
                    Bytes.EMPTY);
        }
        return switch (c.getTarget()) {
            case VERSION -> new Compare(range, Compare.Target.VERSION, result,
                    u == io.etcd.jetcd.api.Compare.TargetUnionCase.VERSION ? c.getVersion() : 0, Bytes.EMPTY);
            case CREATE -> new Compare(range, Compare.Target.CREATE, result,
                    u == io.etcd.jetcd.api.Compare.TargetUnionCase.CREATE_REVISION ? c.getCreateRevision() : 0,
                    Bytes.EMPTY);
            case MOD -> new Compare(range, Compare.Target.MOD, result,
                    u == io.etcd.jetcd.api.Compare.TargetUnionCase.MOD_REVISION ? c.getModRevision() : 0,
                    Bytes.EMPTY);
            case VALUE -> new Compare(range, Compare.Target.VALUE, result, 0,
                    u == io.etcd.jetcd.api.Compare.TargetUnionCase.VALUE ? bytes(c.getValue()) : Bytes.EMPTY);
            case UNRECOGNIZED -> throw invalid("unknown compare target " + c.getTargetValue());
        };
    }

    static io.etcd.jetcd.api.KeyValue keyValue(KeyValue kv) {
        return io.etcd.jetcd.api.KeyValue.newBuilder().setKey(byteString(kv.key()))
                .setCreateRevision(kv.createRevision()).setModRevision(kv.modRevision()).setVersion(kv.version())
                .setValue(byteString(kv.value())).setLease(kv.lease()).build();
    }

    static RangeResponse range(OpResult.Range r, ResponseHeader header) {
        RangeResponse.Builder b = RangeResponse.newBuilder().setHeader(header).setMore(r.more()).setCount(r.count());
        for (KeyValue kv : r.kvs()) {
            b.addKvs(keyValue(kv));
        }
        return b.build();
    }

    static PutResponse put(OpResult.Put r, boolean prevKv, ResponseHeader header) {
        PutResponse.Builder b = PutResponse.newBuilder().setHeader(header);
        if (prevKv && r.prev() != null) {
            b.setPrevKv(keyValue(r.prev()));
        }
        return b.build();
    }

    static DeleteRangeResponse delete(OpResult.DeleteRange r, ResponseHeader header) {
        DeleteRangeResponse.Builder b = DeleteRangeResponse.newBuilder().setHeader(header).setDeleted(r.deleted());
        for (KeyValue kv : r.prevKvs()) {
            b.addPrevKvs(keyValue(kv));
        }
        return b.build();
    }

    /**
     * A transaction's response; {@code header} for the top level. As etcd's, the responses inside carry a header
     * with only their revision.
     */
    static TxnResponse txn(OpResult.Txn r, io.etcd.jetcd.api.TxnRequest request, ResponseHeader header) {
        List<RequestOp> ops = r.succeeded() ? request.getSuccessList() : request.getFailureList();
        TxnResponse.Builder b = TxnResponse.newBuilder().setHeader(header).setSucceeded(r.succeeded());
        for (int i = 0; i < r.responses().size(); i++) {
            OpResult op = r.responses().get(i);
            ResponseHeader sub = ResponseHeader.newBuilder().setRevision(op.revision()).build();
            ResponseOp.Builder rb = ResponseOp.newBuilder();
            if (op instanceof OpResult.Range range) {
                rb.setResponseRange(range(range, sub));
            } else if (op instanceof OpResult.Put put) {
                rb.setResponsePut(put(put, ops.get(i).getRequestPut().getPrevKv(), sub));
            } else if (op instanceof OpResult.DeleteRange del) {
                rb.setResponseDeleteRange(delete(del, sub));
            } else {
                rb.setResponseTxn(txn((OpResult.Txn) op, ops.get(i).getRequestTxn(), sub));
            }
            b.addResponses(rb);
        }
        return b.build();
    }

    private static RuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription("etcdserver: " + message).asRuntimeException();
    }
}
