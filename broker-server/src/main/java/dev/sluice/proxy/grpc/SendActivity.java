package dev.sluice.proxy.grpc;

import dev.sluice.broker.Broker;
import dev.sluice.broker.SendReceipt;
import dev.sluice.broker.NameRules;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.Message;
import dev.sluice.proto.rmq.v2.RecallMessageRequest;
import dev.sluice.proto.rmq.v2.RecallMessageResponse;
import dev.sluice.proto.rmq.v2.SendMessageRequest;
import dev.sluice.proto.rmq.v2.SendMessageResponse;
import dev.sluice.proto.rmq.v2.SendResultEntry;
import dev.sluice.proto.rmq.v2.Status;
import dev.sluice.proxy.ProxyConfig;
import dev.sluice.store.MessageRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * SendMessage: validate, convert, hand to the broker, answer once the broker says the batch is
 * durable. The broker stores a request's messages all or nothing, so every entry of one answer
 * carries the same status and the top-level status is that status (never MULTIPLE_RESULTS).
 */
final class SendActivity {

    private final Broker broker;
    private final MessageValidator validator;
    private final MessageConverter converter;

    SendActivity(Broker broker, ProxyConfig config, MessageConverter converter) {
        this.broker = broker;
        this.validator = new MessageValidator(config);
        this.converter = converter;
    }

    CompletableFuture<SendMessageResponse> send(SendMessageRequest request, ClientMetadata client) {
        long now = System.currentTimeMillis();
        List<Message> messages = request.getMessagesList();
        validator.validateRequest(messages);
        List<MessageRecord> records = new ArrayList<>(messages.size());
        for (Message message : messages) {
            records.add(converter.toRecord(message, client, now));
        }
        return broker.send(records).thenApply(receipts -> accepted(messages, receipts));
    }

    /** RecallMessage: cancels a scheduled message that is not yet due. */
    CompletableFuture<RecallMessageResponse> recall(RecallMessageRequest request) {
        String topic = request.getTopic().getName();
        NameRules.checkUserTopic(topic);
        if (request.getRecallHandle().isBlank()) {
            throw new ProtocolException(Code.BAD_REQUEST, "recall_handle is required");
        }
        return broker.recall(topic, request.getRecallHandle()).thenApply(messageId -> RecallMessageResponse.newBuilder()
                .setStatus(StatusMapper.ok())
                .setMessageId(messageId)
                .build());
    }

    /**
     * The answer for a refused request: still one entry per message, because the Java client
     * treats any other entry count as an internal error it does not retry.
     */
    static SendMessageResponse refused(SendMessageRequest request, Status status) {
        SendMessageResponse.Builder response = SendMessageResponse.newBuilder().setStatus(status);
        for (Message message : request.getMessagesList()) {
            response.addEntries(SendResultEntry.newBuilder()
                    .setStatus(status)
                    .setMessageId(message.getSystemProperties().getMessageId()));
        }
        return response.build();
    }

    private static SendMessageResponse accepted(List<Message> messages, List<SendReceipt> receipts) {
        if (receipts.size() != messages.size()) {
            throw new IllegalStateException("broker returned " + receipts.size() + " receipts for "
                    + messages.size() + " messages");
        }
        Status ok = StatusMapper.ok();
        SendMessageResponse.Builder response = SendMessageResponse.newBuilder().setStatus(ok);
        for (int i = 0; i < messages.size(); i++) {
            response.addEntries(SendResultEntry.newBuilder()
                    .setStatus(ok)
                    // the client's id, not the broker's: the client matches and dedupes by it
                    .setMessageId(messages.get(i).getSystemProperties().getMessageId())
                    .setOffset(receipts.get(i).queueOffset())
                    .setRecallHandle(receipts.get(i).recallHandle())
                    .setTransactionId(receipts.get(i).transactionId()));
        }
        return response.build();
    }
}
