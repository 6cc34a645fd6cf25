package dev.sluice.broker;

/** A refused broker operation with the reason the client will see. */
public class BrokerException extends RuntimeException {

    private final BrokerError error;

    public BrokerException(BrokerError error, String message) {
        super(message);
        this.error = error;
    }

    public BrokerError error() {
        return error;
    }
}
