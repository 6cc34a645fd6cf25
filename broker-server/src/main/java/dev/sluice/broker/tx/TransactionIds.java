package dev.sluice.broker.tx;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import java.util.HexFormat;

/** Transaction ids as producers see them: a version tag and the half message's internal position. */
final class TransactionIds {

    private static final String VERSION = "x1";
    private static final HexFormat HEX = HexFormat.of();

    private TransactionIds() {
    }

    static String encode(long seq) {
        return VERSION + HEX.toHexDigits(seq);
    }

    static long decode(String id) {
        if (id == null || id.length() != VERSION.length() + 16 || !id.startsWith(VERSION)) {
            throw unknown(id);
        }
        try {
            return HEX.fromHexDigitsToLong(id, VERSION.length(), id.length());
        } catch (IllegalArgumentException e) {
            throw unknown(id);
        }
    }

    static BrokerException unknown(String id) {
        return new BrokerException(BrokerError.INVALID_TRANSACTION_ID, "unknown transaction id '" + id
                + "': use the transaction_id the send of the half message returned");
    }
}
