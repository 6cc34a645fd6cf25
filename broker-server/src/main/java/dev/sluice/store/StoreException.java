package dev.sluice.store;

/** The store could not do what was asked; {@link #reason()} says whether retrying can help. */
public class StoreException extends RuntimeException {

    public enum Reason {
        /** Disk usage past the hard watermark: writes refused until space is freed. */
        DISK_FULL,
        /** Store is closing or closed. */
        NOT_RUNNING,
        /** An IO error; the store refuses writes from then on (sticky). */
        IO_ERROR,
        /** The record cannot be stored (too large for a segment, …). */
        INVALID_RECORD
    }

    private final Reason reason;

    public StoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public StoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
