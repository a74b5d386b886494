package io.raftkv.operator.reconcile;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The operator's own meters, beside java-operator-sdk's: steps taken, by kind and outcome. */
public final class OperatorMetrics {

    public static final String RECONCILES = "raftkv.operator.reconciles";

    private final MeterRegistry registry;

    OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void reconciled() {
        Counter.builder(RECONCILES).description("Reconcile passes over RaftKV clusters").register(registry).increment();
    }

    void action(String kind, boolean succeeded) {
        Counter.builder("raftkv.operator.steps")
                .description("Steps the operator took on RaftKV clusters")
                .tag("step", kind)
                .tag("outcome", succeeded ? "ok" : "failed")
                .register(registry)
                .increment();
    }
}
