package dev.sluice.controller.statemachine;

/** Why the controller refused a metadata command. The names travel on the wire: never rename one. */
public enum RejectionCode {
    /** The request itself is malformed; retrying it unchanged fails again. */
    INVALID_ARGUMENT,
    NOT_FOUND,
    ALREADY_EXISTS,
    /** Valid, but the cluster is not in a state that allows it (e.g. no writable broker group). */
    FAILED_PRECONDITION,
    /** The replica state the caller based its change on is no longer current: re-read and decide again. */
    STALE_EPOCH
}
