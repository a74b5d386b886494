package io.raftkv.operator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.function.UnaryOperator;

/**
 * Edits a resource the way a person re-running kubectl would. fabric8's {@code edit} sends the resourceVersion it
 * read, and the operator writes status concurrently, so a 409 Conflict only means "read again and re-apply the
 * change"; it says nothing about the operator under test.
 */
public final class ConflictRetryingEdit {
    private static final int ATTEMPTS = 10;

    private ConflictRetryingEdit() {
    }

    public static <T extends HasMetadata> T edit(Resource<T> resource, UnaryOperator<T> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                return resource.edit(change);
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
