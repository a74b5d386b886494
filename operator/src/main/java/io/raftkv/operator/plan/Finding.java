package io.raftkv.operator.plan;

/**
 * Something the user should know. Degrading findings set the Degraded condition; all become Warning events.
 *
 * @param reason   a CamelCase reason, e.g. ScaleDownRefused
 * @param degraded whether it degrades the cluster (an even size is only a warning)
 */
public record Finding(String reason, String message, boolean degraded) {

    public static Finding degraded(String reason, String message) {
        return new Finding(reason, message, true);
    }

    public static Finding warning(String reason, String message) {
        return new Finding(reason, message, false);
    }
}
