package dev.sluice.controller.statemachine;

import dev.sluice.controller.image.BrokerGroupImage;
import dev.sluice.controller.image.ClusterImage;
import dev.sluice.controller.image.QueueAssignment;
import dev.sluice.controller.image.RetryPolicy;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import dev.sluice.proto.controller.v1.CreateConsumerGroupRequest;
import dev.sluice.proto.controller.v1.CustomizedBackoff;
import dev.sluice.proto.controller.v1.ExponentialBackoff;
import dev.sluice.proto.controller.v1.ReleaseQueuesRequest;
import dev.sluice.proto.controller.v1.ElectLeaderRequest;
import dev.sluice.proto.controller.v1.SetDrainingRequest;
import dev.sluice.proto.controller.v1.UpdateTopicRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.sluice.controller.statemachine.Commands.alterInSync;
import static dev.sluice.controller.statemachine.Commands.apply;
import static dev.sluice.controller.statemachine.Commands.applyAll;
import static dev.sluice.controller.statemachine.Commands.at;
import static dev.sluice.controller.statemachine.Commands.createTopic;
import static dev.sluice.controller.statemachine.Commands.heartbeat;
import static dev.sluice.controller.statemachine.Commands.livenessCheck;
import static dev.sluice.controller.statemachine.Commands.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandApplierTest {

    /** Group g0 with replicas a (leader), b, c, all in sync. */
    private ClusterImage groupOfThree() throws RejectedCommandException {
        ClusterImage image = applyAll(ClusterImage.EMPTY, register(1_000, "a", "g0"), register(1_000, "b", "g0"),
                register(1_000, "c", "g0"));
        long epoch = image.brokerGroups().get("g0").stateEpoch();
        return apply(image, alterInSync("g0", "a", epoch, "a", "b", "c"));
    }

    @Test
    void shouldRejectInvalidRequestsWithTheirCode() throws RejectedCommandException {
        ClusterImage image = apply(ClusterImage.EMPTY, register(1, "a", "g0"));
        assertRejected(image, createTopic("bad name!", 4), RejectionCode.INVALID_ARGUMENT);
        assertRejected(image, createTopic("t", 0), RejectionCode.INVALID_ARGUMENT);
        assertRejected(image, createTopic("t", 5000), RejectionCode.INVALID_ARGUMENT);
        assertRejected(image, heartbeat(2, "unknown"), RejectionCode.NOT_FOUND);
        assertRejected(ClusterImage.EMPTY, createTopic("t", 4), RejectionCode.FAILED_PRECONDITION);
        ClusterImage withTopic = apply(image, createTopic("t", 4));
        assertRejected(withTopic, createTopic("t", 4), RejectionCode.ALREADY_EXISTS);
        assertRejected(withTopic, at(0, false).setUpdateTopic(UpdateTopicRequest.newBuilder().setName("t")
                .setQueueCount(2)).build(), RejectionCode.INVALID_ARGUMENT);
        assertRejected(image, register(3, "a", "other-group"), RejectionCode.FAILED_PRECONDITION);
    }

    @Test
    void shouldBumpVersionOncePerAppliedChange() throws RejectedCommandException {
        ClusterImage image = applyAll(ClusterImage.EMPTY, register(1, "a", "g0"), createTopic("t", 2));
        assertThat(image.version()).isEqualTo(2);
        assertThat(apply(image, livenessCheck(2, false)).version()).as("nothing overdue: no change").isEqualTo(2);
    }

    @Test
    void shouldRejectReplicaStateChangesBasedOnStaleEpoch() throws RejectedCommandException {
        ClusterImage image = groupOfThree();
        BrokerGroupImage group = image.brokerGroups().get("g0");
        ClusterImage shrunk = apply(image, alterInSync("g0", "a", group.stateEpoch(), "a", "b"));
        assertThat(shrunk.brokerGroups().get("g0").stateEpoch()).isEqualTo(group.stateEpoch() + 1);

        assertRejected(shrunk, alterInSync("g0", "a", group.stateEpoch(), "a"), RejectionCode.STALE_EPOCH);
        assertRejected(shrunk, at(0, false).setElectLeader(ElectLeaderRequest.newBuilder().setBrokerGroup("g0")
                .setBasedOnStateEpoch(group.stateEpoch())).build(), RejectionCode.STALE_EPOCH);
        long current = shrunk.brokerGroups().get("g0").stateEpoch();
        assertRejected(shrunk, alterInSync("g0", "b", current, "a", "b"), RejectionCode.STALE_EPOCH);
    }

    @Test
    void shouldElectNextInSyncReplicaWhenTheLeaderMissesHeartbeats() throws RejectedCommandException {
        ClusterImage image = groupOfThree();
        BrokerGroupImage before = image.brokerGroups().get("g0");
        ClusterImage later = applyAll(image, heartbeat(9_000, "b"), heartbeat(9_000, "c"),
                livenessCheck(11_500, false));

        BrokerGroupImage after = later.brokerGroups().get("g0");
        assertThat(later.brokers().get("a").alive()).isFalse();
        assertThat(after.leader()).isEqualTo("b");
        assertThat(after.leaderEpoch()).isEqualTo(before.leaderEpoch() + 1);
        assertThat(after.inSync()).containsExactly("b", "c");
    }

    @Test
    void shouldStayLeaderlessWithoutAliveInSyncReplicaUnlessUncleanElectionIsOn() throws RejectedCommandException {
        ClusterImage image = groupOfThree();
        long epoch = image.brokerGroups().get("g0").stateEpoch();
        ClusterImage onlyLeaderInSync = applyAll(image, alterInSync("g0", "a", epoch, "a"), heartbeat(9_000, "b"));

        ClusterImage clean = apply(onlyLeaderInSync, livenessCheck(11_500, false));
        assertThat(clean.brokerGroups().get("g0").hasLeader()).isFalse();
        assertThat(clean.brokerGroups().get("g0").inSync()).as("last in-sync member kept").containsExactly("a");

        ClusterImage unclean = apply(onlyLeaderInSync, livenessCheck(11_500, true));
        assertThat(unclean.brokerGroups().get("g0").leader()).isEqualTo("b");
        assertThat(unclean.brokerGroups().get("g0").inSync()).containsExactly("b");

        ClusterImage returned = apply(clean, heartbeat(12_000, "a"));
        assertThat(returned.brokerGroups().get("g0").leader()).as("in-sync broker returns and leads").isEqualTo("a");
        assertThat(returned.brokerGroups().get("g0").leaderEpoch())
                .isGreaterThan(clean.brokerGroups().get("g0").leaderEpoch());
    }

    @Test
    void shouldElectPreferredInSyncLeaderOnRequest() throws RejectedCommandException {
        ClusterImage image = groupOfThree();
        BrokerGroupImage group = image.brokerGroups().get("g0");
        ClusterImage elected = apply(image, at(0, false).setElectLeader(ElectLeaderRequest.newBuilder()
                .setBrokerGroup("g0").setBasedOnStateEpoch(group.stateEpoch()).setPreferredLeader("c")).build());
        assertThat(elected.brokerGroups().get("g0").leader()).isEqualTo("c");
        assertThat(elected.brokerGroups().get("g0").leaderEpoch()).isEqualTo(group.leaderEpoch() + 1);
    }

    @Test
    void shouldBalanceQueuesAcrossWritableGroups() throws RejectedCommandException {
        ClusterImage image = applyAll(ClusterImage.EMPTY, register(1, "a", "g0"), register(1, "b", "g1"),
                register(1, "c", "g2"), createTopic("t1", 8), createTopic("t2", 5), createTopic("t3", 1));
        assertThat(spread(queueCounts(image))).isLessThanOrEqualTo(1);
        assertThat(queueCounts(image).values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(14);
    }

    @Test
    void shouldGiveNewGroupQueuesOnNextTopicAndOnRebalance() throws RejectedCommandException {
        ClusterImage image = applyAll(ClusterImage.EMPTY, register(1, "a", "g0"), createTopic("t1", 8),
                register(2, "b", "g1"));
        assertThat(queueCounts(image)).containsEntry("g1", 0);
        ClusterImage withTopic = apply(image, createTopic("t2", 4));
        assertThat(queueCounts(withTopic)).containsEntry("g1", 4);

        ClusterImage rebalanced = apply(image, at(0, false)
                .setRebalance(dev.sluice.proto.controller.v1.RebalanceRequest.getDefaultInstance()).build());
        assertThat(queueCounts(rebalanced)).containsEntry("g0", 4).containsEntry("g1", 4);
        assertThat(rebalanced.topics().get("t1").queues()).filteredOn(q -> q.brokerGroup().equals("g1"))
                .allSatisfy(q -> assertThat(q.readOnlyGroups()).containsExactly("g0"));
    }

    @Test
    void shouldMoveQueuesOffDrainingGroupAndKeepItReadOnly() throws RejectedCommandException {
        ClusterImage image = applyAll(ClusterImage.EMPTY, register(1, "a", "g0"), register(1, "b", "g1"),
                createTopic("t", 6));
        ClusterImage draining = apply(image, at(0, false).setSetDraining(
                SetDrainingRequest.newBuilder().setBrokerGroup("g0").setDraining(true)).build());

        assertThat(draining.topics().get("t").queues()).allSatisfy(queue -> {
            assertThat(queue.brokerGroup()).isEqualTo("g1");
        });
        assertThat(draining.topics().get("t").queues()).filteredOn(q -> q.readOnlyGroups().contains("g0")).hasSize(3);
        ClusterImage more = apply(draining, createTopic("t2", 3));
        assertThat(more.topics().get("t2").queues()).extracting(QueueAssignment::brokerGroup).containsOnly("g1");

        ClusterImage onlyGroup = applyAll(ClusterImage.EMPTY, register(1, "a", "g0"), createTopic("t", 2));
        assertRejected(onlyGroup, at(0, false).setSetDraining(SetDrainingRequest.newBuilder().setBrokerGroup("g0")
                .setDraining(true)).build(), RejectionCode.FAILED_PRECONDITION);
    }

    @Test
    void shouldReleaseReadOnlyQueuesOfADrainingGroupOnlyWhenItsCurrentLeaderReportsThemConsumed()
            throws RejectedCommandException {
        ClusterImage image = applyAll(ClusterImage.EMPTY, register(1, "a", "g0"), register(1, "b", "g1"),
                createTopic("t", 4));
        ClusterImage draining = apply(image, at(0, false).setSetDraining(
                SetDrainingRequest.newBuilder().setBrokerGroup("g0").setDraining(true)).build());
        List<Integer> readByG0 = draining.topics().get("t").queues().stream()
                .filter(q -> q.readOnlyGroups().contains("g0")).map(QueueAssignment::queueId).toList();
        assertThat(readByG0).hasSize(2);
        long epoch = draining.brokerGroups().get("g0").leaderEpoch();

        assertRejected(draining, release("g0", "a", epoch - 1, "t", readByG0.get(0)), RejectionCode.STALE_EPOCH);
        assertRejected(draining, release("g0", "b", epoch, "t", readByG0.get(0)), RejectionCode.STALE_EPOCH);
        assertRejected(draining, release("g0", "a", epoch, "t", 9), RejectionCode.INVALID_ARGUMENT);
        assertRejected(draining, release("g0", "a", epoch, "nope", 0), RejectionCode.NOT_FOUND);
        long g1Epoch = draining.brokerGroups().get("g1").leaderEpoch();
        assertRejected(draining, release("g1", "b", g1Epoch, "t", 0), RejectionCode.FAILED_PRECONDITION);

        ClusterImage halfDrained = apply(draining, release("g0", "a", epoch, "t", readByG0.get(0)));
        assertThat(halfDrained.topics().get("t").queues().get(readByG0.get(0)).readOnlyGroups()).isEmpty();
        assertThat(halfDrained.topics().get("t").queues().get(readByG0.get(1)).readOnlyGroups()).containsExactly("g0");
        assertThat(apply(halfDrained, release("g0", "a", epoch, "t", readByG0.get(0))).version())
                .as("a repeated report changes nothing").isEqualTo(halfDrained.version());

        ClusterImage drained = apply(halfDrained, release("g0", "a", epoch, "t", readByG0.get(1)));
        assertThat(drained.topics().get("t").queues()).allSatisfy(queue -> {
            assertThat(queue.brokerGroup()).isEqualTo("g1");
            assertThat(queue.readOnlyGroups()).isEmpty();
        });
        assertThat(apply(drained, createTopic("t2", 2)).topics().get("t2").queues())
                .extracting(QueueAssignment::brokerGroup).containsOnly("g1");
    }

    @Test
    void shouldAcceptEveryRetryPolicyTheBrokerAccepts() throws RejectedCommandException {
        ClusterImage image = apply(ClusterImage.EMPTY, at(0, false).setCreateConsumerGroup(
                CreateConsumerGroupRequest.newBuilder().setGroup(ConsumerGroup.newBuilder().setName("now")
                        .setRetryPolicy(dev.sluice.proto.controller.v1.RetryPolicy.newBuilder()
                                .setExponential(ExponentialBackoff.newBuilder().setInitialBackoffMs(0)
                                        .setMaxBackoffMs(0).setMultiplier(1))))).build());
        assertThat(image.consumerGroups().get("now").retryPolicy()).isEqualTo(new RetryPolicy.Exponential(0, 0, 1));

        assertRejected(image, at(0, false).setCreateConsumerGroup(CreateConsumerGroupRequest.newBuilder()
                .setGroup(ConsumerGroup.newBuilder().setName("forever").setRetryPolicy(
                        dev.sluice.proto.controller.v1.RetryPolicy.newBuilder().setCustomized(
                                CustomizedBackoff.newBuilder().addBackoffMs(25 * 3600_000L))))).build(),
                RejectionCode.INVALID_ARGUMENT);
    }

    private static dev.sluice.proto.controller.v1.MetadataCommand release(String group, String broker, long epoch,
                                                                         String topic, int queueId) {
        return at(0, false).setReleaseQueues(ReleaseQueuesRequest.newBuilder().setBrokerGroup(group)
                .setBrokerId(broker).setLeaderEpoch(epoch).setTopic(topic).addQueueIds(queueId)).build();
    }

    private static Map<String, Integer> queueCounts(ClusterImage image) {
        Map<String, Integer> counts = new TreeMap<>();
        image.brokerGroups().keySet().forEach(group -> counts.put(group, 0));
        image.topics().values().forEach(topic -> topic.queues()
                .forEach(queue -> counts.merge(queue.brokerGroup(), 1, Integer::sum)));
        return counts;
    }

    private static int spread(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).max().orElse(0)
                - counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    }

    private static void assertRejected(ClusterImage image, dev.sluice.proto.controller.v1.MetadataCommand command,
                                       RejectionCode code) {
        assertThatThrownBy(() -> CommandApplier.apply(image, command))
                .isInstanceOfSatisfying(RejectedCommandException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
