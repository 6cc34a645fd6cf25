package dev.sluice.store.commitlog;

/** Bytes that should hold a record do not: bad magic, a length out of bounds, a CRC mismatch. */
public class CorruptRecordException extends Exception {

    public CorruptRecordException(String message) {
        super(message);
    }
}
