package io.raftkv.operator.support;

import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real kube-apiserver 1.20.2 (with etcd) from fabric8 kube-api-test, using the binaries that
 * {@code ../shared/k8s/kube-api-test.sh} prepares. Tests skip when KUBE_API_TEST_DIR is not set.
 */
public final class KubeApiServerSupport implements AutoCloseable {

    private final KubeAPIServer server;
    private final KubernetesClient client;

    private KubeApiServerSupport(KubeAPIServer server, KubernetesClient client) {
        this.server = server;
        this.client = client;
    }

    public static KubeApiServerSupport startOrSkip() {
        Assumptions.assumeTrue(System.getenv("KUBE_API_TEST_DIR") != null,
                "KUBE_API_TEST_DIR is not set: run eval \"$(../shared/k8s/kube-api-test.sh)\" first "
                        + "(it needs the local Kubernetes build of ../shared/k8s)");
        KubeAPIServer server = new KubeAPIServer(KubeAPIServerConfigBuilder.anAPIServerConfig()
                .withOfflineMode(true)
                .withApiServerVersion("1.20.2")
                .withUpdateKubeConfig(false)
                .build());
        server.start();
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build();
        return new KubeApiServerSupport(server, client);
    }

    public KubernetesClient client() {
        return client;
    }

    /** Applies the CRD generated from the model (the same file that is committed under crds/). */
    public void applyGeneratedCrd() {
        try (InputStream in = KubeApiServerSupport.class.getResourceAsStream(
                "/META-INF/fabric8/" + RepoPaths.CRD_FILE_NAME)) {
            CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
            client.resource(crd).serverSideApply();
            client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                    .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
                            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
                            30, TimeUnit.SECONDS);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        server.stop();
    }
}
