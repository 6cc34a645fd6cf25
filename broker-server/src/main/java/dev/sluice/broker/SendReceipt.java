package dev.sluice.broker;

/**
 * Where a sent message was stored. A scheduled message not yet due and a transaction's half
 * message are not in their topic yet: their {@code queueId} is -1 and {@code queueOffset} is the
 * broker's internal position of the message.
 *
 * @param recallHandle   cancels a scheduled message before it is due; empty for other messages
 * @param transactionId  names the transaction of a half message in EndTransaction; empty otherwise
 */
public record SendReceipt(String messageId, String topic, int queueId, long queueOffset, String recallHandle,
                          String transactionId) {

    public SendReceipt(String messageId, String topic, int queueId, long queueOffset) {
        this(messageId, topic, queueId, queueOffset, "", "");
    }
}
