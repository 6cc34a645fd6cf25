package dev.sluice.broker.pop;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;

/**
 * Identifies one delivery of one message: clients hand it back to ack or to change the
 * invisible time. It names the delivery, not its deadline, so it stays valid across
 * renewals and ChangeInvisibleDuration; a redelivery gets a new delivery id, which makes
 * every older handle stale. Opaque to clients.
 */
public record ReceiptHandle(int queueId, long queueOffset, int attempt, long deliveryId) {

    private static final String VERSION = "s1";
    private static final char SEP = '.';

    public String encode() {
        return VERSION + SEP + queueId + SEP + queueOffset + SEP + attempt + SEP + Long.toHexString(deliveryId);
    }

    /** Parses a client-supplied handle; anything malformed is INVALID_RECEIPT_HANDLE. */
    public static ReceiptHandle decode(String text) {
        String[] parts = text == null ? new String[0] : text.split("\\" + SEP, -1);
        if (parts.length != 5 || !parts[0].equals(VERSION)) {
            throw invalid("malformed receipt handle");
        }
        try {
            int queueId = Integer.parseInt(parts[1]);
            long offset = Long.parseLong(parts[2]);
            int attempt = Integer.parseInt(parts[3]);
            long deliveryId = Long.parseUnsignedLong(parts[4], 16);
            if (queueId < 0 || offset < 0 || attempt < 1) {
                throw invalid("malformed receipt handle");
            }
            return new ReceiptHandle(queueId, offset, attempt, deliveryId);
        } catch (NumberFormatException e) {
            throw invalid("malformed receipt handle");
        }
    }

    static BrokerException invalid(String why) {
        return new BrokerException(BrokerError.INVALID_RECEIPT_HANDLE, why);
    }
}
