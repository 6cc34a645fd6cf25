package dev.sluice.broker.timer;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import java.util.HexFormat;

/**
 * The opaque handle a producer gets for a scheduled message and later passes to RecallMessage:
 * the message's due time and internal position, which together are its timer's key.
 */
record RecallHandle(long due, long seq) {

    private static final String VERSION = "t1";
    private static final HexFormat HEX = HexFormat.of();

    String encode() {
        return VERSION + HEX.toHexDigits(due) + HEX.toHexDigits(seq);
    }

    static RecallHandle decode(String handle) {
        if (handle == null || handle.length() != VERSION.length() + 32 || !handle.startsWith(VERSION)) {
            throw malformed(handle);
        }
        try {
            return new RecallHandle(HEX.fromHexDigitsToLong(handle, 2, 18), HEX.fromHexDigitsToLong(handle, 18, 34));
        } catch (IllegalArgumentException e) {
            throw malformed(handle);
        }
    }

    private static BrokerException malformed(String handle) {
        return new BrokerException(BrokerError.ILLEGAL_ARGUMENT,
                "malformed recall handle '" + handle + "': pass the recall_handle a DELAY send returned");
    }
}
