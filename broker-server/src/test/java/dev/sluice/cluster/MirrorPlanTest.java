package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.RetryPolicy;
import dev.sluice.broker.TopicConfig;
import dev.sluice.controller.image.ClusterImage;
import dev.sluice.controller.image.ConsumerGroupImage;
import dev.sluice.controller.image.ImageDelta;
import dev.sluice.controller.image.MessageType;
import dev.sluice.controller.image.QueueAssignment;
import dev.sluice.controller.image.TopicImage;
import dev.sluice.proto.controller.v1.MetadataCommand;
import dev.sluice.store.MessageKind;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MirrorPlanTest {

    @Test
    void shouldPlanNothingWhenTheControllerAlreadyHoldsTheBrokersState() {
        GroupConfig group = new GroupConfig("billing", true, 5, RetryPolicy.customized(List.of(Duration.ofSeconds(1))));
        ClusterImage controller = image(List.of(topic("orders", MessageType.FIFO, 4)),
                List.of(new ConsumerGroupImage("billing", true, 5,
                        new dev.sluice.controller.image.RetryPolicy.Customized(List.of(1000L)))));

        MirrorPlan plan = MirrorPlan.between(List.of(new TopicConfig("orders", MessageKind.FIFO, 4)), List.of(group),
                controller);

        assertThat(plan.steps()).isEmpty();
    }

    @Test
    void shouldCreateWhatIsMissingAndDeleteWhatTheBrokerNoLongerHas() {
        ClusterImage controller = image(List.of(topic("gone", MessageType.NORMAL, 2)),
                List.of(new ConsumerGroupImage("old-group", false, 16,
                        new dev.sluice.controller.image.RetryPolicy.Exponential(1000, 60000, 2))));

        MirrorPlan plan = MirrorPlan.between(List.of(new TopicConfig("orders", MessageKind.DELAY, 3)),
                List.of(GroupConfig.defaults("billing")), controller);

        assertThat(plan.steps()).extracting(MirrorPlan.Step::subject).containsExactly(
                "topic 'orders'", "topic 'gone'", "consumer group 'billing'", "consumer group 'old-group'");
        MetadataCommand create = plan.steps().get(0).command();
        assertThat(create.getCreateTopic().getQueueCount()).isEqualTo(3);
        assertThat(create.getCreateTopic().getMessageType())
                .isEqualTo(dev.sluice.proto.controller.v1.MessageType.DELAY);
        assertThat(plan.steps().get(1).command().hasDeleteTopic()).isTrue();
        assertThat(plan.steps().get(2).command().getCreateConsumerGroup().getGroup().getRetryPolicy()
                .getExponential().getMaxBackoffMs()).isEqualTo(60_000);
        assertThat(plan.steps().get(3).command().hasDeleteConsumerGroup()).isTrue();
    }

    @Test
    void shouldUpdateChangedTopicsAndGroupsAndRecreateATopicWithFewerQueues() {
        ClusterImage controller = image(
                List.of(topic("grown", MessageType.NORMAL, 2), topic("retyped", MessageType.NORMAL, 2),
                        topic("shrunk", MessageType.NORMAL, 8)),
                List.of(new ConsumerGroupImage("billing", false, 16,
                        new dev.sluice.controller.image.RetryPolicy.Exponential(1000, 60000, 2))));

        MirrorPlan plan = MirrorPlan.between(List.of(new TopicConfig("grown", MessageKind.NORMAL, 6),
                        new TopicConfig("retyped", MessageKind.FIFO, 2), new TopicConfig("shrunk", MessageKind.NORMAL, 4)),
                List.of(new GroupConfig("billing", false, 3, RetryPolicy.DEFAULT)), controller);

        assertThat(plan.steps()).extracting(step -> step.command().getCommandCase()).containsExactly(
                MetadataCommand.CommandCase.UPDATE_TOPIC, MetadataCommand.CommandCase.UPDATE_TOPIC,
                MetadataCommand.CommandCase.DELETE_TOPIC, MetadataCommand.CommandCase.CREATE_TOPIC,
                MetadataCommand.CommandCase.UPDATE_CONSUMER_GROUP);
        assertThat(plan.steps().get(0).command().getUpdateTopic().getQueueCount()).isEqualTo(6);
        assertThat(plan.steps().get(1).command().getUpdateTopic().getMessageType())
                .isEqualTo(dev.sluice.proto.controller.v1.MessageType.FIFO);
        assertThat(plan.steps().get(3).command().getCreateTopic().getQueueCount()).isEqualTo(4);
        assertThat(plan.steps().get(4).command().getUpdateConsumerGroup().getGroup().getMaxDeliveryAttempts())
                .isEqualTo(3);
    }

    private static TopicImage topic(String name, MessageType type, int queues) {
        return new TopicImage(name, type, IntStream.range(0, queues)
                .mapToObj(id -> QueueAssignment.fresh(id, ControllerMirror.BROKER_GROUP)).toList());
    }

    private static ClusterImage image(List<TopicImage> topics, List<ConsumerGroupImage> groups) {
        ImageDelta delta = new ImageDelta(ClusterImage.EMPTY);
        topics.forEach(delta::putTopic);
        groups.forEach(delta::putConsumerGroup);
        return delta.apply();
    }
}
