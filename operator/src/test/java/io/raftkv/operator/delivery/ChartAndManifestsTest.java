package io.raftkv.operator.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.support.RepoPaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Helm chart (linted and rendered by Helm itself, through helm-java) and the plain manifests in deploy/. */
class ChartAndManifestsTest {

    private static final Path CHART = RepoPaths.chart();
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    @Test
    void theChartPassesStrictLint() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void byDefaultTheOperatorWatchesAllNamespacesWithLeaderElection() {
        List<HasMetadata> objects = render(Map.of());
        Deployment deployment = only(objects, Deployment.class);
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("local/raftkv-operator:dev");
        assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
        assertThat(env(container.getEnv(), "WATCH_NAMESPACES")).isEmpty();
        assertThat(container.getEnv()).extracting(EnvVar::getName).contains("LEADER_ELECTION_NAMESPACE", "POD_NAME");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(kinds(objects)).contains("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                "ServiceAccount", "Service", "Deployment");
    }

    @Test
    void watchedNamespacesGetRoleBindingsAndNothingClusterWideIsBound() {
        List<HasMetadata> objects = render(Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b",
                "leaderElection.enabled", "false", "image.tag", "1.2.3"));
        Deployment deployment = only(objects, Deployment.class);
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(env(container.getEnv(), "WATCH_NAMESPACES")).isEqualTo("team-a,team-b");
        assertThat(container.getEnv()).extracting(EnvVar::getName).doesNotContain("LEADER_ELECTION_NAMESPACE");
        assertThat(container.getImage()).endsWith(":1.2.3");
        assertThat(kinds(objects)).doesNotContain("ClusterRoleBinding", "Role");
        assertThat(objects).filteredOn(o -> o.getKind().equals("RoleBinding"))
                .extracting(o -> o.getMetadata().getNamespace()).containsExactlyInAnyOrder("team-a", "team-b");
    }

    @Test
    void theChartAndDeployGrantTheSamePermissions() throws IOException {
        ClusterRole fromChart = only(render(Map.of()), ClusterRole.class);
        ClusterRole fromDeploy = only(loadDir(RepoPaths.root().resolve("deploy")), ClusterRole.class);
        assertThat(normalized(fromChart.getRules())).isEqualTo(normalized(fromDeploy.getRules()));
        assertThat(fromDeploy.getRules()).as("pods may be deleted but never created by the operator")
                .filteredOn(r -> r.getResources().contains("pods"))
                .allMatch(r -> !r.getVerbs().contains("create"));
    }

    @Test
    void theDeployManifestsRunTheSameImageAsTheChart() throws IOException {
        List<HasMetadata> deploy = loadDir(RepoPaths.root().resolve("deploy"));
        assertThat(kinds(deploy)).contains("Namespace", "ServiceAccount", "ClusterRole", "ClusterRoleBinding",
                "Deployment");
        Deployment d = only(deploy, Deployment.class);
        Deployment c = only(render(Map.of()), Deployment.class);
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo(c.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    }

    @Test
    void theExampleIsAThreeMemberClusterOfTheLocalNodeImage() throws IOException {
        try (InputStream in = Files.newInputStream(RepoPaths.root().resolve("deploy/examples/raftkvcluster.yaml"))) {
            RaftKVCluster example = SERIALIZATION.unmarshal(in, RaftKVCluster.class);
            assertThat(example.getSpec().getReplicas()).isEqualTo(3);
            assertThat(example.getSpec().getImage()).isEqualTo("local/raftkv-node:dev");
            assertThat(example.getSpec().getImagePullPolicy()).isNotEqualTo(
                    io.raftkv.operator.crd.RaftKVClusterSpec.ImagePullPolicy.Always);
        }
    }

    // --- helpers

    static List<HasMetadata> render(Map<String, String> values) {
        var template = new Helm(CHART).template().withName("raftkv").withNamespace("raftkv-system");
        values.forEach(template::set);
        return parse(template.call());
    }

    static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
                Object o = SERIALIZATION.unmarshal(doc);
                if (o instanceof KubernetesList list) {
                    objects.addAll(list.getItems());
                } else if (o instanceof HasMetadata h) {
                    objects.add(h);
                }
            }
        }
        return objects;
    }

    static List<HasMetadata> loadDir(Path dir) throws IOException {
        List<HasMetadata> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                objects.addAll(parse(Files.readString(f)));
            }
        }
        return objects;
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).as("exactly one %s", type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream().map(HasMetadata::getKind).toList();
    }

    private static String env(List<EnvVar> env, String name) {
        return env.stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .map(v -> Optional.ofNullable(v).orElse("")).orElseThrow(() -> new AssertionError("no env " + name));
    }

    private static List<String> normalized(List<PolicyRule> rules) {
        return rules.stream().map(r -> r.getApiGroups() + " " + r.getResources() + " " + r.getVerbs())
                .sorted().collect(Collectors.toList());
    }
}
