package dev.sluice.admin;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.QueueLag;
import dev.sluice.broker.MessageHistory;
import dev.sluice.broker.RetryPolicy;
import dev.sluice.broker.dlq.DeadLetterEntry;
import dev.sluice.proto.admin.v1.GetMessageHistoryResponse;
import dev.sluice.broker.TopicConfig;
import dev.sluice.proto.admin.v1.Group;
import dev.sluice.proto.admin.v1.Topic;
import dev.sluice.proto.admin.v1.TopicType;
import dev.sluice.store.MessageKind;
import java.time.Duration;

/** Conversions between the admin API's messages and the broker's records. */
public final class AdminMessages {

    private AdminMessages() {
    }

    public static Topic toProto(TopicConfig topic) {
        return Topic.newBuilder().setName(topic.name()).setType(toProto(topic.type())).setQueues(topic.queues()).build();
    }

    public static TopicType toProto(MessageKind kind) {
        return switch (kind) {
            case NORMAL -> TopicType.TOPIC_TYPE_NORMAL;
            case FIFO -> TopicType.TOPIC_TYPE_FIFO;
            case DELAY -> TopicType.TOPIC_TYPE_DELAY;
            case TRANSACTION -> TopicType.TOPIC_TYPE_TRANSACTION;
        };
    }

    /** The kind a request asks for; {@code ifUnspecified} when the field was left unset. */
    public static MessageKind toKind(TopicType type, MessageKind ifUnspecified) {
        return switch (type) {
            case TOPIC_TYPE_UNSPECIFIED -> ifUnspecified;
            case TOPIC_TYPE_NORMAL -> MessageKind.NORMAL;
            case TOPIC_TYPE_FIFO -> MessageKind.FIFO;
            case TOPIC_TYPE_DELAY -> MessageKind.DELAY;
            case TOPIC_TYPE_TRANSACTION -> MessageKind.TRANSACTION;
            case UNRECOGNIZED -> throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT, "unknown topic type");
        };
    }

    public static Group toProto(GroupConfig group) {
        return Group.newBuilder()
                .setName(group.name())
                .setFifo(group.fifo())
                .setMaxDeliveryAttempts(group.maxDeliveryAttempts())
                .setRetryPolicy(toProto(group.retryPolicy()))
                .build();
    }

    public static dev.sluice.proto.admin.v1.RetryPolicy toProto(RetryPolicy policy) {
        return dev.sluice.proto.admin.v1.RetryPolicy.newBuilder()
                .setInitialBackoffMillis(policy.initial().toMillis())
                .setMultiplier(policy.multiplier())
                .setMaxBackoffMillis(policy.max().toMillis())
                .addAllCustomizedBackoffMillis(policy.customized().stream().map(Duration::toMillis).toList())
                .build();
    }

    public static RetryPolicy toPolicy(dev.sluice.proto.admin.v1.RetryPolicy policy) {
        if (policy.getCustomizedBackoffMillisCount() > 0) {
            return RetryPolicy.customized(policy.getCustomizedBackoffMillisList().stream().map(Duration::ofMillis).toList());
        }
        return RetryPolicy.exponential(Duration.ofMillis(policy.getInitialBackoffMillis()), policy.getMultiplier(),
                Duration.ofMillis(policy.getMaxBackoffMillis()));
    }

    public static dev.sluice.proto.admin.v1.QueueLag toProto(QueueLag lag) {
        return dev.sluice.proto.admin.v1.QueueLag.newBuilder()
                .setTopic(lag.topic())
                .setQueueId(lag.queueId())
                .setAckedOffset(lag.ackedOffset())
                .setMaxOffset(lag.maxOffset())
                .setInFlight(lag.inFlight())
                .setLag(lag.lag())
                .build();
    }

    public static dev.sluice.proto.admin.v1.DeadLetter toProto(DeadLetterEntry entry) {
        return dev.sluice.proto.admin.v1.DeadLetter.newBuilder()
                .setMessageId(entry.messageId())
                .setOriginTopic(entry.originTopic())
                .setAttempts(entry.attempts())
                .setReason(entry.reason())
                .setTimeMillis(entry.time())
                .setRedriven(entry.redriven())
                .build();
    }

    public static GetMessageHistoryResponse toProto(MessageHistory history) {
        return GetMessageHistoryResponse.newBuilder()
                .setTopic(history.topic())
                .setMessageId(history.messageId())
                .setQueueId(history.queueId())
                .setQueueOffset(history.queueOffset())
                .setStoreTimestampMillis(history.storeTimestamp())
                .addAllEvents(history.events().stream().map(e -> dev.sluice.proto.admin.v1.DeliveryEvent.newBuilder()
                        .setGroup(e.group())
                        .setType(e.type().name())
                        .setTimeMillis(e.time())
                        .setAttempt(e.attempt())
                        .setNextVisibleMillis(e.nextVisible())
                        .setDetail(e.detail())
                        .build()).toList())
                .build();
    }
}
