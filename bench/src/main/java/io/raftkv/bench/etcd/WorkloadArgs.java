package io.raftkv.bench.etcd;

/**
 * Prints {@code id<TAB>bench arguments} for each standard workload, so that the comparison script and the report
 * share one definition: {@code java -cp raftkv-bench.jar io.raftkv.bench.etcd.WorkloadArgs}.
 */
public final class WorkloadArgs {
    private WorkloadArgs() {
    }

    public static void main(String[] args) {
        StandardWorkload.ALL.forEach(w -> System.out.println(w.id() + "\t" + w.args()));
    }
}
