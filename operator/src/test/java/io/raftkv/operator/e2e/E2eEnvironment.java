package io.raftkv.operator.e2e;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.raftkv.operator.support.RepoPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Kubernetes found through KUBECONFIG (in CI: the single-node cluster of ../shared/k8s that
 * .ci/k8s.sh starts, with the images built into its Docker daemon). Tests skip, saying why, without it.
 */
final class E2eEnvironment implements AutoCloseable {

    static final String OPERATOR_IMAGE = System.getProperty("raftkv.e2e.operatorImage", "local/raftkv-operator:dev");
    static final String NODE_IMAGE = System.getProperty("raftkv.e2e.nodeImage", "local/raftkv-node:dev");

    final KubernetesClient client;
    final Path kubeconfig;
    final String namespace;
    final String release;

    private E2eEnvironment(KubernetesClient client, Path kubeconfig, String namespace) {
        this.client = client;
        this.kubeconfig = kubeconfig;
        this.namespace = namespace;
        this.release = "raftkv-operator";
    }

    /**
     * Skips unless a cluster and the operator image (and the node image, if asked) are there. The cluster is the
     * one KUBECONFIG names, or with the Maven profile k3s (-Draftkv.e2e.cluster=k3s) a k3s in Docker, whose
     * images come from a registry (no local image check).
     */
    static E2eEnvironment requireCluster(boolean needsNodeImage) {
        if (K3sCluster.requested()) {
            Path kc = K3sCluster.kubeconfig();
            KubernetesClient client = new KubernetesClientBuilder()
                    .withConfig(io.fabric8.kubernetes.client.Config.fromKubeconfig(readKubeconfig(kc))).build();
            return withNamespace(client, kc);
        }
        String kc = System.getenv("KUBECONFIG");
        Assumptions.assumeTrue(kc != null && Files.isReadable(Path.of(kc)),
                "no readable KUBECONFIG: end-to-end tests need a Kubernetes cluster (eval \"$(.ci/k8s.sh)\")");
        Assumptions.assumeTrue(imageExists(OPERATOR_IMAGE), "operator image " + OPERATOR_IMAGE
                + " is not in the local Docker daemon: build it with .ci/k8s.sh");
        if (needsNodeImage) {
            Assumptions.assumeTrue(imageExists(NODE_IMAGE), "node image " + NODE_IMAGE
                    + " is not in the local Docker daemon (it needs node/Dockerfile): build it with .ci/k8s.sh");
        }
        return withNamespace(new KubernetesClientBuilder().build(), Path.of(kc));
    }

    private static E2eEnvironment withNamespace(KubernetesClient client, Path kubeconfig) {
        String namespace = "raftkv-e2e-" + UUID.randomUUID().toString().substring(0, 6);
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                .build()).create();
        return new E2eEnvironment(client, kubeconfig, namespace);
    }

    private static String readKubeconfig(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static boolean imageExists(String image) {
        try {
            Process p = new ProcessBuilder("docker", "image", "inspect", image)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** helm install of the chart into the test namespace, watching only that namespace; waits until ready. */
    void installOperator() {
        String[] image = OPERATOR_IMAGE.split(":", 2);
        new Helm(RepoPaths.chart()).install()
                .withName(release)
                .withNamespace(namespace)
                .withKubeConfig(kubeconfig)
                .set("image.repository", image[0])
                .set("image.tag", image.length > 1 ? image[1] : "latest")
                .set("image.pullPolicy", "IfNotPresent")
                .set("watchNamespaces[0]", namespace)
                .set("reconciler.steadyResyncSeconds", "5")
                .waitReady()
                .withTimeout(300)
                .call();
    }

    @Override
    public void close() {
        try {
            Helm.uninstall(release).withNamespace(namespace).withKubeConfig(kubeconfig).ignoreNotFound().call();
        } finally {
            client.namespaces().withName(namespace).delete();
            client.close();
        }
    }
}
