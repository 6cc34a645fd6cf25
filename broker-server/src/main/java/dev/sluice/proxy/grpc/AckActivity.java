package dev.sluice.proxy.grpc;

import dev.sluice.broker.Broker;
import dev.sluice.broker.NameRules;
import dev.sluice.proto.rmq.v2.AckMessageEntry;
import dev.sluice.proto.rmq.v2.AckMessageRequest;
import dev.sluice.proto.rmq.v2.AckMessageResponse;
import dev.sluice.proto.rmq.v2.AckMessageResultEntry;
import dev.sluice.proto.rmq.v2.ChangeInvisibleDurationRequest;
import dev.sluice.proto.rmq.v2.ChangeInvisibleDurationResponse;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.Status;
import dev.sluice.proto.rmq.v2.ForwardMessageToDeadLetterQueueRequest;
import dev.sluice.proto.rmq.v2.ForwardMessageToDeadLetterQueueResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * AckMessage and ChangeInvisibleDuration (which is also the push consumer's nack). Both answer
 * INVALID_RECEIPT_HANDLE for handles that are unknown, malformed or expired: it is the one
 * non-OK code on which the push consumer stops retrying every second. The broker checks the
 * invisible-time range.
 */
final class AckActivity {

    private final Broker broker;

    AckActivity(Broker broker) {
        this.broker = broker;
    }

    /**
     * Acks each entry on its own and answers once every ack is durable; the top-level status is OK
     * or the first entry's failure.
     */
    CompletableFuture<AckMessageResponse> ack(AckMessageRequest request) {
        String group = request.getGroup().getName();
        String topic = request.getTopic().getName();
        NameRules.checkGroup(group);
        NameRules.checkTopic(topic);
        if (request.getEntriesCount() == 0) {
            throw new ProtocolException(Code.BAD_REQUEST, "AckMessage carries no entries");
        }
        List<AckMessageEntry> entries = request.getEntriesList();
        List<CompletableFuture<Status>> statuses = new ArrayList<>(entries.size());
        for (AckMessageEntry entry : entries) {
            statuses.add(ackOne(group, topic, entry.getReceiptHandle()));
        }
        return CompletableFuture.allOf(statuses.toArray(CompletableFuture[]::new))
                .thenApply(done -> response(entries, statuses));
    }

    private CompletableFuture<Status> ackOne(String group, String topic, String receiptHandle) {
        try {
            return broker.ack(group, topic, receiptHandle)
                    .handle((done, failure) -> failure == null ? StatusMapper.ok() : StatusMapper.of(failure));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(StatusMapper.of(e));
        }
    }

    private static AckMessageResponse response(List<AckMessageEntry> entries, List<CompletableFuture<Status>> statuses) {
        AckMessageResponse.Builder response = AckMessageResponse.newBuilder();
        Status first = null;
        for (int i = 0; i < entries.size(); i++) {
            Status status = statuses.get(i).join();
            if (first == null && status.getCode() != Code.OK) {
                first = status;
            }
            response.addEntries(AckMessageResultEntry.newBuilder()
                    .setMessageId(entries.get(i).getMessageId())
                    .setReceiptHandle(entries.get(i).getReceiptHandle())
                    .setStatus(status));
        }
        return response.setStatus(first == null ? StatusMapper.ok() : first).build();
    }

    ChangeInvisibleDurationResponse changeInvisibleDuration(ChangeInvisibleDurationRequest request) {
        NameRules.checkGroup(request.getGroup().getName());
        NameRules.checkTopic(request.getTopic().getName());
        if (!request.hasInvisibleDuration()) {
            throw new ProtocolException(Code.ILLEGAL_INVISIBLE_TIME, "invisible_duration is required");
        }
        Duration duration = ProtoTime.duration(request.getInvisibleDuration());
        // suspend: the consumer wants more time, not a retry, so the attempt is not counted
        String handle = broker.changeInvisibleDuration(request.getGroup().getName(), request.getTopic().getName(),
                request.getReceiptHandle(), duration, request.hasSuspend() && request.getSuspend());
        return ChangeInvisibleDurationResponse.newBuilder()
                .setStatus(StatusMapper.ok())
                .setReceiptHandle(handle)
                .build();
    }

    /** The consumer gave up on a message (FIFO, after its local retries): it moves to the group's DLQ. */
    CompletableFuture<ForwardMessageToDeadLetterQueueResponse> forwardToDeadLetter(
            ForwardMessageToDeadLetterQueueRequest request) {
        NameRules.checkGroup(request.getGroup().getName());
        NameRules.checkTopic(request.getTopic().getName());
        String reason = "consumer gave up after " + request.getDeliveryAttempt() + " attempts (max "
                + request.getMaxDeliveryAttempts() + ")";
        return broker.forwardToDeadLetter(request.getGroup().getName(), request.getTopic().getName(),
                        request.getReceiptHandle(), reason)
                .thenApply(done -> ForwardMessageToDeadLetterQueueResponse.newBuilder()
                        .setStatus(StatusMapper.ok()).build());
    }

    /**
     * The SimpleConsumer adopts the answer's handle before it looks at the status, so a failure
     * must echo the handle it came with or the client loses its only valid one.
     */
    static ChangeInvisibleDurationResponse changeRefused(ChangeInvisibleDurationRequest request, Status status) {
        return ChangeInvisibleDurationResponse.newBuilder()
                .setStatus(status)
                .setReceiptHandle(request.getReceiptHandle())
                .build();
    }
}
