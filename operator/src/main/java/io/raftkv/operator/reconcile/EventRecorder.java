package io.raftkv.operator.reconcile;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.raftkv.operator.crd.RaftKVCluster;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events on the RaftKVCluster: Normal for every step the operator takes, Warning for findings.
 * A warning is emitted when it appears, not on every pass while it lasts.
 */
public final class EventRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    public static final String COMPONENT = "raftkv-operator";

    private final Clock clock;
    private final Map<String, Set<String>> activeWarnings = new ConcurrentHashMap<>();

    public EventRecorder(Clock clock) {
        this.clock = clock;
    }

    public void normal(KubernetesClient client, RaftKVCluster c, String reason, String message) {
        emit(client, c, "Normal", reason, message);
    }

    /** Emits warnings whose reason was not active on the previous pass. */
    public void warnings(KubernetesClient client, RaftKVCluster c, Map<String, String> messagesByReason) {
        String key = c.getMetadata().getNamespace() + "/" + c.getMetadata().getName();
        Set<String> previous = activeWarnings.getOrDefault(key, Set.of());
        messagesByReason.forEach((reason, message) -> {
            if (!previous.contains(reason)) {
                emit(client, c, "Warning", reason, message);
            }
        });
        activeWarnings.put(key, Set.copyOf(messagesByReason.keySet()));
    }

    public void forget(RaftKVCluster c) {
        activeWarnings.remove(c.getMetadata().getNamespace() + "/" + c.getMetadata().getName());
    }

    private void emit(KubernetesClient client, RaftKVCluster c, String type, String reason, String message) {
        String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(c.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13))
                .withNamespace(c.getMetadata().getNamespace())
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(c.getApiVersion()).withKind(c.getKind())
                        .withName(c.getMetadata().getName()).withNamespace(c.getMetadata().getNamespace())
                        .withUid(c.getMetadata().getUid()).withResourceVersion(c.getMetadata().getResourceVersion())
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message.length() > 1000 ? message.substring(0, 1000) : message)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(c.getMetadata().getNamespace()).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warn("could not record event {} on {}: {}", reason, c.getMetadata().getName(), e.getMessage());
        }
    }
}
