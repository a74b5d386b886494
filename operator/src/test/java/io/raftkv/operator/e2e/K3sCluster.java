package io.raftkv.operator.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The end-to-end suite's second target (Maven profile {@code k3s}): a k3s cluster that Testcontainers starts
 * in Docker. It needs a Docker daemon that can pull {@value #IMAGE} and run privileged containers, and node and
 * operator images k3s can pull (raftkv.e2e.nodeImage / raftkv.e2e.operatorImage naming a registry). Where any of
 * that is missing the tests skip and say which.
 */
final class K3sCluster {

    static final String IMAGE = "rancher/k3s:v1.31.4-k3s1";
    private static K3sContainer container;
    private static Path kubeconfig;

    private K3sCluster() {
    }

    static boolean requested() {
        return "k3s".equals(System.getProperty("raftkv.e2e.cluster"));
    }

    /** Starts k3s once per JVM (stopped by Testcontainers' reaper at exit) and returns its kubeconfig. */
    static synchronized Path kubeconfig() {
        if (kubeconfig != null) {
            return kubeconfig;
        }
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        Assumptions.assumeTrue(docker, "k3s profile: Testcontainers finds no usable Docker daemon, so k3s cannot run");
        try {
            K3sContainer k3s = new K3sContainer(DockerImageName.parse(IMAGE));
            k3s.start();
            container = k3s;
            Path file = Files.createTempFile("k3s-kubeconfig", ".yaml");
            Files.writeString(file, k3s.getKubeConfigYaml());
            kubeconfig = file;
            return file;
        } catch (RuntimeException | IOException e) {
            Assumptions.abort("k3s profile: could not start " + IMAGE + " (it must be pulled from a registry and run "
                    + "as a privileged container; this machine has no registry access or no privileged containers): "
                    + e.getMessage());
            throw new IllegalStateException("unreachable");
        }
    }
}
