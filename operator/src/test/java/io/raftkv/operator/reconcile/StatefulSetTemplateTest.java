package io.raftkv.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.raftkv.operator.crd.RaftKVCluster;
import io.raftkv.operator.crd.RaftKVClusterSpec;
import io.raftkv.operator.reconcile.dependent.StatefulSetDependent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What goes into the pod template, and which changes roll the members (a new template revision). */
class StatefulSetTemplateTest {

    private static RaftKVCluster cluster() {
        RaftKVCluster c = new RaftKVCluster();
        c.getMetadata().setName("demo");
        c.getMetadata().setNamespace("ns");
        RaftKVClusterSpec spec = new RaftKVClusterSpec();
        spec.setImage("local/raftkv-node:dev");
        c.setSpec(spec);
        return c;
    }

    private static Map<String, String> templateAnnotations(RaftKVCluster c) {
        return StatefulSetDependent.build(c, 3).getSpec().getTemplate().getMetadata().getAnnotations();
    }

    @Test
    void userOverridesAreMergedButTheOperatorsLabelsWin() {
        RaftKVCluster c = cluster();
        c.getSpec().getPod().setLabels(Map.of("team", "storage", "app.kubernetes.io/instance", "hijack"));
        c.getSpec().getPod().setAnnotations(Map.of("example.com/owner", "me"));
        c.getSpec().getPod().setNodeSelector(Map.of("disk", "ssd"));
        c.getSpec().getPod().setTolerations(List.of(new TolerationBuilder().withKey("dedicated")
                .withOperator("Exists").build()));
        c.getSpec().setResources(new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("1Gi")).build());

        StatefulSet sts = StatefulSetDependent.build(c, 3);
        var template = sts.getSpec().getTemplate();
        assertThat(template.getMetadata().getLabels()).containsEntry("team", "storage")
                .containsEntry("app.kubernetes.io/instance", "demo");
        assertThat(template.getMetadata().getAnnotations()).containsEntry("example.com/owner", "me")
                .containsKey(ResourceNames.CONFIG_HASH_ANNOTATION);
        assertThat(template.getSpec().getNodeSelector()).containsEntry("disk", "ssd");
        assertThat(template.getSpec().getTolerations()).hasSize(1);
        assertThat(template.getSpec().getContainers().get(0).getResources().getLimits()).containsKey("memory");
        assertThat(sts.getSpec().getSelector().getMatchLabels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("app.kubernetes.io/name", "raftkv",
                        "app.kubernetes.io/instance", "demo"));
    }

    @Test
    void byDefaultThePodPassesTheRestrictedPodSecurityLevel() {
        var pod = StatefulSetDependent.build(cluster(), 3).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(NodeContract.NODE_UID);
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(NodeContract.NODE_UID);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getInitContainers()).as("the root init container is opt-in").isEmpty();
        var node = pod.getContainers().get(0);
        assertThat(node.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(node.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(node.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(node.getLifecycle()).as("the node hands leadership off on SIGTERM; no preStop hook").isNull();
        assertThat(pod.getTerminationGracePeriodSeconds()).as("covers the hand-off wait and a graceful stop")
                .isGreaterThanOrEqualTo(15L);
        assertThat(node.getEnv()).anyMatch(e -> e.getName().equals("RAFTKV_ENDPOINTS")
                && e.getValue().equals("127.0.0.1:7001,demo.ns.svc.cluster.local:7001"));
    }

    @Test
    void membersPreferDistinctNodesAndSpreadOverZonesUnlessTheSpecSaysOtherwise() {
        var pod = StatefulSetDependent.build(cluster(), 3).getSpec().getTemplate().getSpec();
        var term = pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().get(0);
        assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
        assertThat(term.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/instance", "demo");
        assertThat(pod.getTopologySpreadConstraints()).singleElement()
                .satisfies(t -> assertThat(t.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway"));
    }

    @Test
    void theHostPathOwnershipInitContainerAndSecurityContextsCanBeSet() {
        RaftKVCluster c = cluster();
        c.getSpec().getPod().setDataDirOwnerInitContainer(true);
        c.getSpec().getPod().setSecurityContext(new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder()
                .withRunAsUser(20000L).build());
        var pod = StatefulSetDependent.build(c, 3).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(20000L);
        var init = pod.getInitContainers();
        assertThat(init).hasSize(1);
        assertThat(String.join(" ", init.get(0).getCommand())).contains("chown 10001:10001 " + NodeContract.DATA_DIR);
        assertThat(init.get(0).getVolumeMounts()).extracting(m -> m.getMountPath())
                .containsExactly(NodeContract.DATA_DIR);
    }

    @Test
    void theClusterDomainIsASetting() {
        RaftKVCluster c = cluster();
        c.getSpec().setClusterDomain("corp.example");
        assertThat(NodeConfig.render(c)).contains("cluster-domain: \"corp.example\"");
        assertThat(ResourceNames.of(c).peerAddress(2)).isEqualTo("demo-2.demo-peers.ns.svc.corp.example:7001");
    }

    @Test
    void raftTuningChangesTheTemplateSoTheMembersRoll() {
        RaftKVCluster c = cluster();
        Map<String, String> before = templateAnnotations(c);
        c.getSpec().getRaft().setElectionTimeoutMillis(2000);
        assertThat(templateAnnotations(c)).isNotEqualTo(before);
    }

    @Test
    void theRestartAnnotationChangesTheTemplateSoTheMembersRoll() {
        RaftKVCluster c = cluster();
        Map<String, String> before = templateAnnotations(c);
        c.getMetadata().setAnnotations(Map.of(RaftKVCluster.RESTART_ANNOTATION, "2025-01-01T00:00:00Z"));
        assertThat(templateAnnotations(c)).containsEntry(RaftKVCluster.RESTART_ANNOTATION, "2025-01-01T00:00:00Z")
                .isNotEqualTo(before);
    }

    @Test
    void scalingDoesNotChangeTheTemplate() {
        RaftKVCluster c = cluster();
        var three = StatefulSetDependent.build(c, 3).getSpec().getTemplate();
        c.getSpec().setReplicas(5);
        var five = StatefulSetDependent.build(c, 4).getSpec().getTemplate();
        assertThat(five).isEqualTo(three);
    }

    @Test
    void theConfigurationUsesTheNodesFormatWithAOneMemberInitialCluster() {
        RaftKVCluster c = cluster();
        c.getSpec().getRaft().setElectionTimeoutMillis(1000);
        c.getSpec().getRaft().setHeartbeatIntervalMillis(150);
        String config = NodeConfig.render(c);
        assertThat(config).contains("cluster-name: \"demo\"", "stateful-set: \"demo\"", "service: \"demo-peers\"",
                "namespace: \"ns\"", "replicas: 1", "tick-ms: 150", "election-ticks: 7", "heartbeat-ticks: 1",
                "port: 7001");
    }
}
