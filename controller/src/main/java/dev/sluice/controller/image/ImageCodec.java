package dev.sluice.controller.image;

import dev.sluice.proto.controller.v1.Broker;
import dev.sluice.proto.controller.v1.BrokerGroup;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import dev.sluice.proto.controller.v1.CustomizedBackoff;
import dev.sluice.proto.controller.v1.ExponentialBackoff;
import dev.sluice.proto.controller.v1.MetadataDelta;
import dev.sluice.proto.controller.v1.MetadataImage;
import dev.sluice.proto.controller.v1.Topic;

import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Converts the image records to and from their protobuf form (wire, watch stream and snapshot files). */
public final class ImageCodec {

    private ImageCodec() {
    }

    public static MetadataImage toProto(ClusterImage image) {
        return MetadataImage.newBuilder()
                .setVersion(image.version())
                .addAllBrokers(image.brokers().values().stream().map(ImageCodec::toProto).toList())
                .addAllBrokerGroups(image.brokerGroups().values().stream().map(ImageCodec::toProto).toList())
                .addAllTopics(image.topics().values().stream().map(ImageCodec::toProto).toList())
                .addAllConsumerGroups(image.consumerGroups().values().stream().map(ImageCodec::toProto).toList())
                .build();
    }

    public static ClusterImage fromProto(MetadataImage proto) {
        return new ClusterImage(proto.getVersion(),
                byName(proto.getBrokersList().stream().map(ImageCodec::fromProto), BrokerImage::id),
                byName(proto.getBrokerGroupsList().stream().map(ImageCodec::fromProto), BrokerGroupImage::name),
                byName(proto.getTopicsList().stream().map(ImageCodec::fromProto), TopicImage::name),
                byName(proto.getConsumerGroupsList().stream().map(ImageCodec::fromProto), ConsumerGroupImage::name));
    }

    public static MetadataDelta toProto(ImageChanges changes) {
        return MetadataDelta.newBuilder()
                .setVersion(changes.version())
                .addAllUpsertedBrokers(changes.brokers().stream().map(ImageCodec::toProto).toList())
                .addAllUpsertedBrokerGroups(changes.brokerGroups().stream().map(ImageCodec::toProto).toList())
                .addAllUpsertedTopics(changes.topics().stream().map(ImageCodec::toProto).toList())
                .addAllRemovedTopics(changes.removedTopics().stream().sorted().toList())
                .addAllUpsertedConsumerGroups(changes.consumerGroups().stream().map(ImageCodec::toProto).toList())
                .addAllRemovedConsumerGroups(changes.removedConsumerGroups().stream().sorted().toList())
                .build();
    }

    public static ImageChanges fromProto(MetadataDelta proto) {
        return new ImageChanges(proto.getVersion(),
                proto.getUpsertedBrokersList().stream().map(ImageCodec::fromProto).toList(),
                proto.getUpsertedBrokerGroupsList().stream().map(ImageCodec::fromProto).toList(),
                proto.getUpsertedTopicsList().stream().map(ImageCodec::fromProto).toList(),
                Set.copyOf(proto.getRemovedTopicsList()),
                proto.getUpsertedConsumerGroupsList().stream().map(ImageCodec::fromProto).toList(),
                Set.copyOf(proto.getRemovedConsumerGroupsList()));
    }

    public static Broker toProto(BrokerImage broker) {
        return Broker.newBuilder().setBrokerId(broker.id()).setBrokerGroup(broker.group())
                .addAllEndpoints(broker.endpoints()).setLastHeartbeatMs(broker.lastHeartbeatMs())
                .setAlive(broker.alive()).build();
    }

    public static BrokerImage fromProto(Broker proto) {
        return new BrokerImage(proto.getBrokerId(), proto.getBrokerGroup(), proto.getEndpointsList(),
                proto.getLastHeartbeatMs(), proto.getAlive());
    }

    public static BrokerGroup toProto(BrokerGroupImage group) {
        return BrokerGroup.newBuilder().setName(group.name()).addAllReplicas(group.replicas())
                .setLeader(group.leader()).setLeaderEpoch(group.leaderEpoch()).setStateEpoch(group.stateEpoch())
                .addAllInSync(group.inSync()).setDraining(group.draining()).build();
    }

    public static BrokerGroupImage fromProto(BrokerGroup proto) {
        return new BrokerGroupImage(proto.getName(), proto.getReplicasList(), proto.getLeader(),
                proto.getLeaderEpoch(), proto.getStateEpoch(), proto.getInSyncList(), proto.getDraining());
    }

    public static Topic toProto(TopicImage topic) {
        return Topic.newBuilder().setName(topic.name()).setMessageType(toProto(topic.messageType()))
                .addAllQueues(topic.queues().stream().map(queue -> dev.sluice.proto.controller.v1.QueueAssignment
                        .newBuilder().setQueueId(queue.queueId()).setBrokerGroup(queue.brokerGroup())
                        .addAllReadOnlyGroups(queue.readOnlyGroups()).build()).toList())
                .build();
    }

    public static TopicImage fromProto(Topic proto) {
        return new TopicImage(proto.getName(), fromProto(proto.getMessageType()), proto.getQueuesList().stream()
                .map(queue -> new QueueAssignment(queue.getQueueId(), queue.getBrokerGroup(),
                        queue.getReadOnlyGroupsList()))
                .toList());
    }

    public static ConsumerGroup toProto(ConsumerGroupImage group) {
        return ConsumerGroup.newBuilder().setName(group.name()).setFifo(group.fifo())
                .setMaxDeliveryAttempts(group.maxDeliveryAttempts())
                .setRetryPolicy(toProto(group.retryPolicy())).build();
    }

    /**
     * @throws IllegalArgumentException if the retry policy is missing or out of range
     */
    public static ConsumerGroupImage fromProto(ConsumerGroup proto) {
        return new ConsumerGroupImage(proto.getName(), proto.getFifo(), proto.getMaxDeliveryAttempts(),
                fromProto(proto.getRetryPolicy()));
    }

    public static dev.sluice.proto.controller.v1.RetryPolicy toProto(RetryPolicy policy) {
        var builder = dev.sluice.proto.controller.v1.RetryPolicy.newBuilder();
        if (policy instanceof RetryPolicy.Exponential exponential) {
            builder.setExponential(ExponentialBackoff.newBuilder().setInitialBackoffMs(exponential.initialMs())
                    .setMaxBackoffMs(exponential.maxMs()).setMultiplier(exponential.multiplier()));
        } else if (policy instanceof RetryPolicy.Customized customized) {
            builder.setCustomized(CustomizedBackoff.newBuilder().addAllBackoffMs(customized.backoffsMs()));
        }
        return builder.build();
    }

    /**
     * @throws IllegalArgumentException if no strategy is set or its values are out of range
     */
    public static RetryPolicy fromProto(dev.sluice.proto.controller.v1.RetryPolicy proto) {
        return switch (proto.getStrategyCase()) {
            case EXPONENTIAL -> new RetryPolicy.Exponential(proto.getExponential().getInitialBackoffMs(),
                    proto.getExponential().getMaxBackoffMs(), proto.getExponential().getMultiplier());
            case CUSTOMIZED -> new RetryPolicy.Customized(proto.getCustomized().getBackoffMsList());
            case STRATEGY_NOT_SET -> throw new IllegalArgumentException("retry policy has no strategy");
        };
    }

    public static dev.sluice.proto.controller.v1.MessageType toProto(MessageType type) {
        return dev.sluice.proto.controller.v1.MessageType.valueOf(type.name());
    }

    /**
     * @throws IllegalArgumentException for an unspecified or unknown type
     */
    public static MessageType fromProto(dev.sluice.proto.controller.v1.MessageType proto) {
        return switch (proto) {
            case NORMAL -> MessageType.NORMAL;
            case FIFO -> MessageType.FIFO;
            case DELAY -> MessageType.DELAY;
            case TRANSACTION -> MessageType.TRANSACTION;
            case MESSAGE_TYPE_UNSPECIFIED, UNRECOGNIZED -> throw new IllegalArgumentException(
                    "message type must be one of NORMAL, FIFO, DELAY, TRANSACTION");
        };
    }

    private static <T> TreeMap<String, T> byName(Stream<T> values, Function<T, String> key) {
        return values.collect(Collectors.toMap(key, Function.identity(), (a, b) -> {
            throw new IllegalArgumentException("duplicate name " + key.apply(a));
        }, TreeMap::new));
    }
}
