package dev.sluice.cluster;

import dev.sluice.admin.AdminMessages;
import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.RetryPolicy;
import dev.sluice.proto.admin.v1.Group;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import dev.sluice.proto.controller.v1.CustomizedBackoff;
import dev.sluice.proto.controller.v1.ExponentialBackoff;
import dev.sluice.proto.controller.v1.MessageType;
import dev.sluice.proto.controller.v1.Topic;
import dev.sluice.store.MessageKind;
import java.time.Duration;

/** The broker's topic and group settings in the controller's protobuf form, and back. */
public final class ControllerProtos {

    private ControllerProtos() {
    }

    public static MessageType toController(MessageKind kind) {
        return switch (kind) {
            case NORMAL -> MessageType.NORMAL;
            case FIFO -> MessageType.FIFO;
            case DELAY -> MessageType.DELAY;
            case TRANSACTION -> MessageType.TRANSACTION;
        };
    }

    /**
     * @throws IllegalArgumentException for a type this broker does not know
     */
    public static MessageKind toKind(MessageType type) {
        return switch (type) {
            case NORMAL -> MessageKind.NORMAL;
            case FIFO -> MessageKind.FIFO;
            case DELAY -> MessageKind.DELAY;
            case TRANSACTION -> MessageKind.TRANSACTION;
            case MESSAGE_TYPE_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException(
                    "the controller holds a topic of unknown type " + type);
        };
    }

    public static ConsumerGroup toController(GroupConfig group) {
        return ConsumerGroup.newBuilder()
                .setName(group.name())
                .setFifo(group.fifo())
                .setMaxDeliveryAttempts(group.maxDeliveryAttempts())
                .setRetryPolicy(toController(group.retryPolicy()))
                .build();
    }

    public static dev.sluice.proto.controller.v1.RetryPolicy toController(RetryPolicy policy) {
        var proto = dev.sluice.proto.controller.v1.RetryPolicy.newBuilder();
        if (policy.isCustomized()) {
            proto.setCustomized(CustomizedBackoff.newBuilder()
                    .addAllBackoffMs(policy.customized().stream().map(Duration::toMillis).toList()));
        } else {
            proto.setExponential(ExponentialBackoff.newBuilder()
                    .setInitialBackoffMs(policy.initial().toMillis())
                    .setMaxBackoffMs(policy.max().toMillis())
                    .setMultiplier(policy.multiplier()));
        }
        return proto.build();
    }

    /** An admin API retry policy as the controller takes it; the controller checks the values. */
    public static dev.sluice.proto.controller.v1.RetryPolicy toController(
            dev.sluice.proto.admin.v1.RetryPolicy policy) {
        var proto = dev.sluice.proto.controller.v1.RetryPolicy.newBuilder();
        if (policy.getCustomizedBackoffMillisCount() > 0) {
            proto.setCustomized(CustomizedBackoff.newBuilder().addAllBackoffMs(policy.getCustomizedBackoffMillisList()));
        } else {
            proto.setExponential(ExponentialBackoff.newBuilder()
                    .setInitialBackoffMs(policy.getInitialBackoffMillis())
                    .setMaxBackoffMs(policy.getMaxBackoffMillis())
                    .setMultiplier(policy.getMultiplier()));
        }
        return proto.build();
    }

    public static RetryPolicy toPolicy(dev.sluice.proto.controller.v1.RetryPolicy proto) {
        return switch (proto.getStrategyCase()) {
            case CUSTOMIZED -> RetryPolicy.customized(
                    proto.getCustomized().getBackoffMsList().stream().map(Duration::ofMillis).toList());
            case EXPONENTIAL -> RetryPolicy.exponential(Duration.ofMillis(proto.getExponential().getInitialBackoffMs()),
                    proto.getExponential().getMultiplier(), Duration.ofMillis(proto.getExponential().getMaxBackoffMs()));
            case STRATEGY_NOT_SET -> RetryPolicy.DEFAULT;
        };
    }

    /** A controller topic as the admin API shows a topic. */
    public static dev.sluice.proto.admin.v1.Topic toAdmin(Topic topic) {
        return dev.sluice.proto.admin.v1.Topic.newBuilder()
                .setName(topic.getName())
                .setType(AdminMessages.toProto(toKind(topic.getMessageType())))
                .setQueues(topic.getQueuesCount())
                .build();
    }

    /** A controller consumer group as the admin API shows a group. */
    public static Group toAdmin(ConsumerGroup group) {
        return Group.newBuilder()
                .setName(group.getName())
                .setFifo(group.getFifo())
                .setMaxDeliveryAttempts(group.getMaxDeliveryAttempts())
                .setRetryPolicy(AdminMessages.toProto(toPolicy(group.getRetryPolicy())))
                .build();
    }
}
