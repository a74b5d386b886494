package io.raftkv.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftkv.operator.http.OperatorHttpServer;
import io.raftkv.operator.raft.GrpcRaftAdmin;
import io.raftkv.operator.reconcile.RaftKVClusterReconciler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the operator: one controller for RaftKVCluster, leader election, metrics and health over HTTP. */
public final class OperatorMain {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorMain.class);

    private OperatorMain() {
    }

    public static void main(String[] args) throws IOException {
        OperatorSettings settings = OperatorSettings.fromEnvironment(System.getenv());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);

        AtomicReference<Operator> started = new AtomicReference<>();
        OperatorHttpServer http = new OperatorHttpServer(settings.httpPort(), registry,
                () -> started.get() == null ? null : started.get().getRuntimeInfo());

        KubernetesClient client = new KubernetesClientBuilder().build();
        Operator operator = new Operator(o -> {
            o.withKubernetesClient(client).withMetrics(MicrometerMetrics.withoutPerResourceMetrics(registry));
            settings.leaseNamespace().ifPresent(ns -> o.withLeaderElectionConfiguration(
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(OperatorSettings.LEASE_NAME)
                            .withLeaseNamespace(ns).withIdentity(settings.identity()).build()));
        });
        GrpcRaftAdmin admin = GrpcRaftAdmin.withDefaultTimeouts();
        operator.register(new RaftKVClusterReconciler(admin, settings.reconciler(), Clock.systemUTC(), registry),
                c -> {
                    if (!settings.watchNamespaces().isEmpty()) {
                        c.settingNamespaces(settings.watchNamespaces());
                    }
                });
        operator.installShutdownHook(Duration.ofSeconds(10));
        Runtime.getRuntime().addShutdownHook(new Thread(admin::close, "raft-admin-close"));
        operator.start();
        started.set(operator);
        LOG.info("raftkv-operator started: namespaces={}, leader election={}, http port {}",
                settings.watchNamespaces().isEmpty() ? "all" : settings.watchNamespaces(),
                settings.leaseNamespace().map(ns -> ns + "/" + OperatorSettings.LEASE_NAME).orElse("off"),
                http.port());
    }
}
