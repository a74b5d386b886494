package io.raftkv.sim;

/** A safety or liveness property of Raft (or a contract of the core's API) was broken during a simulated run. */
final class InvariantViolation extends RuntimeException {

    private final Property property;

    InvariantViolation(Property property, String detail) {
        super(property.title() + ": " + detail);
        this.property = property;
    }

    InvariantViolation(Property property, String detail, Throwable cause) {
        super(property.title() + ": " + detail, cause);
        this.property = property;
    }

    Property property() {
        return property;
    }
}
