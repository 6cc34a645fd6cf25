package dev.sluice.cluster;

import dev.sluice.admin.ChangeMirror;
import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.TopicConfig;
import dev.sluice.controller.image.ClusterImage;
import dev.sluice.controller.image.ConsumerGroupImage;
import dev.sluice.controller.image.ImageCodec;
import dev.sluice.controller.image.TopicImage;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import dev.sluice.proto.controller.v1.CreateConsumerGroupRequest;
import dev.sluice.proto.controller.v1.CreateTopicRequest;
import dev.sluice.proto.controller.v1.DeleteConsumerGroupRequest;
import dev.sluice.proto.controller.v1.DeleteTopicRequest;
import dev.sluice.proto.controller.v1.MetadataCommand;
import dev.sluice.proto.controller.v1.UpdateConsumerGroupRequest;
import dev.sluice.proto.controller.v1.UpdateTopicRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The controller commands that make the controller's topics and consumer groups equal to the
 * broker's. A pure function of both states: computing it again after a partial failure gives
 * what is still missing, so the mirror converges however often it is interrupted.
 */
record MirrorPlan(List<Step> steps) {

    /** One command and the topic or group it is about (as {@link ChangeMirror} names them). */
    record Step(String subject, MetadataCommand command) {
    }

    static MirrorPlan between(List<TopicConfig> topics, List<GroupConfig> groups, ClusterImage controller) {
        List<Step> steps = new ArrayList<>();
        Map<String, TopicConfig> brokerTopics = byName(topics, TopicConfig::name);
        for (TopicConfig topic : topics) {
            TopicImage mirrored = controller.topics().get(topic.name());
            String subject = ChangeMirror.topic(topic.name());
            if (mirrored == null) {
                steps.add(new Step(subject, createTopic(topic)));
            } else if (mirrored.queues().size() > topic.queues()) {
                // the controller only lets queue counts grow; this copy has to start over
                steps.add(new Step(subject, deleteTopic(topic.name())));
                steps.add(new Step(subject, createTopic(topic)));
            } else if (mirrored.queues().size() < topic.queues()
                    || !mirrored.messageType().name().equals(topic.type().name())) {
                steps.add(new Step(subject, MetadataCommand.newBuilder().setUpdateTopic(UpdateTopicRequest.newBuilder()
                        .setName(topic.name()).setQueueCount(topic.queues())
                        .setMessageType(ControllerProtos.toController(topic.type()))).build()));
            }
        }
        controller.topics().keySet().stream().filter(name -> !brokerTopics.containsKey(name))
                .forEach(name -> steps.add(new Step(ChangeMirror.topic(name), deleteTopic(name))));

        Map<String, GroupConfig> brokerGroups = byName(groups, GroupConfig::name);
        for (GroupConfig group : groups) {
            ConsumerGroupImage mirrored = controller.consumerGroups().get(group.name());
            var wanted = ControllerProtos.toController(group);
            String subject = ChangeMirror.group(group.name());
            if (mirrored == null) {
                steps.add(new Step(subject, MetadataCommand.newBuilder().setCreateConsumerGroup(
                        CreateConsumerGroupRequest.newBuilder().setGroup(wanted)).build()));
            } else if (!sameGroup(mirrored, wanted)) {
                steps.add(new Step(subject, MetadataCommand.newBuilder().setUpdateConsumerGroup(
                        UpdateConsumerGroupRequest.newBuilder().setGroup(wanted)).build()));
            }
        }
        controller.consumerGroups().keySet().stream().filter(name -> !brokerGroups.containsKey(name))
                .forEach(name -> steps.add(new Step(ChangeMirror.group(name), MetadataCommand.newBuilder()
                        .setDeleteConsumerGroup(DeleteConsumerGroupRequest.newBuilder().setName(name)).build())));
        return new MirrorPlan(List.copyOf(steps));
    }

    private static boolean sameGroup(ConsumerGroupImage mirrored, ConsumerGroup wanted) {
        try {
            return mirrored.equals(ImageCodec.fromProto(wanted));
        } catch (IllegalArgumentException outsideControllerLimits) {
            return false; // the update is sent and refused with the controller's reason
        }
    }

    private static MetadataCommand createTopic(TopicConfig topic) {
        return MetadataCommand.newBuilder().setCreateTopic(CreateTopicRequest.newBuilder().setName(topic.name())
                .setQueueCount(topic.queues()).setMessageType(ControllerProtos.toController(topic.type()))).build();
    }

    private static MetadataCommand deleteTopic(String name) {
        return MetadataCommand.newBuilder().setDeleteTopic(DeleteTopicRequest.newBuilder().setName(name)).build();
    }

    private static <T> Map<String, T> byName(List<T> entries, Function<T, String> name) {
        return entries.stream().collect(Collectors.toMap(name, Function.identity()));
    }
}
