package io.raftkv.operator.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths in the repository, found from the system property the build sets (or the working directory). */
public final class RepoPaths {

    private RepoPaths() {
    }

    public static Path root() {
        String configured = System.getProperty("raftkv.repo.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("operator")) || !Files.isRegularFile(root.resolve("pom.xml"))) {
            throw new IllegalStateException("not the repository root: " + root);
        }
        return root;
    }

    public static Path crdFile() {
        return root().resolve("crds").resolve(CRD_FILE_NAME);
    }

    public static Path chartCrdFile() {
        return root().resolve("charts/raftkv-operator/crds").resolve(CRD_FILE_NAME);
    }

    public static Path chart() {
        return root().resolve("charts/raftkv-operator");
    }

    public static final String CRD_FILE_NAME = "raftkvclusters.raftkv.io-v1.yml";
}
