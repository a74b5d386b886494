package io.raftkv.operator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.crd.RaftKVClusterSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Installs the operator with Helm on a real cluster and checks that it runs, serves its probes, and turns
 * a RaftKVCluster into its resources. Needs only the operator image (not the node's).
 */
class OperatorInstallE2EIT {

    @Test
    void helmInstallRunsTheOperatorWhichCreatesTheClusterResources() {
        try (E2eEnvironment env = E2eEnvironment.requireCluster(false)) {
            env.installOperator();
            Deployment operator = env.client.apps().deployments().inNamespace(env.namespace).withName(env.release).get();
            assertThat(operator.getStatus().getReadyReplicas()).as("operator ready (its /readyz answers)").isEqualTo(1);

            RaftKVCluster c = new RaftKVCluster();
            c.getMetadata().setName("e2e");
            c.getMetadata().setNamespace(env.namespace);
            RaftKVClusterSpec spec = new RaftKVClusterSpec();
            spec.setReplicas(3);
            spec.setImage(E2eEnvironment.NODE_IMAGE);
            c.setSpec(spec);
            env.client.resource(c).create();

            StatefulSet sts = await().atMost(Duration.ofSeconds(60)).until(() -> env.client.apps().statefulSets()
                    .inNamespace(env.namespace).withName("e2e").get(), s -> s != null);
            assertThat(sts.getSpec().getReplicas()).as("bootstrap starts with pod 0 alone").isEqualTo(1);
            assertThat(env.client.services().inNamespace(env.namespace).withName("e2e-peers").get()).isNotNull();
            assertThat(env.client.configMaps().inNamespace(env.namespace).withName("e2e-config").get().getData())
                    .containsEntry("initial-cluster-state", "new");
            RaftKVCluster reported = await().atMost(Duration.ofSeconds(60)).until(() -> env.client
                    .resources(RaftKVCluster.class).inNamespace(env.namespace).withName("e2e").get(),
                    x -> x.getStatus() != null && x.getStatus().getObservedGeneration() != null);
            assertThat(reported.getStatus().getConditions()).extracting(x -> x.getType())
                    .contains("Available", "Progressing", "Degraded");
        }
    }
}
