package dev.sluice.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.broker.LocalBroker;
import dev.sluice.config.SluiceConfig;
import dev.sluice.proto.admin.v1.AdminGrpc;
import dev.sluice.proto.admin.v1.CreateGroupRequest;
import dev.sluice.proto.admin.v1.CreateTopicRequest;
import dev.sluice.proto.admin.v1.DeleteGroupRequest;
import dev.sluice.proto.admin.v1.DeleteTopicRequest;
import dev.sluice.proto.admin.v1.GetConsumerLagRequest;
import dev.sluice.proto.admin.v1.GetConsumerLagResponse;
import dev.sluice.proto.admin.v1.GetGroupRequest;
import dev.sluice.proto.admin.v1.GetTopicRequest;
import dev.sluice.proto.admin.v1.Group;
import dev.sluice.proto.admin.v1.ListGroupsRequest;
import dev.sluice.proto.admin.v1.ListTimersRequest;
import dev.sluice.proto.admin.v1.ListTransactionsRequest;
import dev.sluice.proto.admin.v1.ListTransactionsResponse;
import dev.sluice.proto.admin.v1.ListTimersResponse;
import dev.sluice.proto.admin.v1.ListTopicsRequest;
import dev.sluice.proto.admin.v1.TopicTimers;
import dev.sluice.proto.admin.v1.RetryPolicy;
import dev.sluice.proto.admin.v1.Topic;
import dev.sluice.proto.admin.v1.TopicType;
import dev.sluice.proto.admin.v1.UpdateGroupRequest;
import dev.sluice.proto.admin.v1.UpdateTopicRequest;
import dev.sluice.store.LogStore;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.ThrowingSupplier;

/** The admin API over in-process gRPC in front of a real broker and store. */
class AdminServiceImplTest {

    @TempDir
    Path dataDir;

    private LogStore store;
    private LocalBroker broker;
    private Server server;
    private ManagedChannel channel;
    private AdminGrpc.AdminBlockingStub admin;

    @BeforeEach
    void start() throws IOException {
        SluiceConfig config = SluiceConfig.load(Optional.empty(), Map.of(
                "data-dir", dataDir.toString(), "store.segment-size", "1MiB", "broker.default-queues", "4"));
        store = LogStore.open(config.store());
        broker = new LocalBroker(store, config.broker());
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor()
                .addService(new AdminServiceImpl(broker, config.broker(), ChangeMirror.NONE))
                .build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        admin = AdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        broker.close();
        store.close();
    }

    @Test
    void shouldCreateANormalTopicWithTheDefaultQueueCountWhenUnspecified() {
        Topic created = admin.createTopic(CreateTopicRequest.newBuilder().setName("orders").build());

        assertThat(created).isEqualTo(topic("orders", TopicType.TOPIC_TYPE_NORMAL, 4));
        assertThat(admin.getTopic(GetTopicRequest.newBuilder().setName("orders").build())).isEqualTo(created);
        assertThat(admin.listTopics(ListTopicsRequest.getDefaultInstance()).getTopicsList()).contains(created);
    }

    @Test
    void shouldCreateATopicOfTheRequestedTypeAndQueues() {
        Topic created = admin.createTopic(CreateTopicRequest.newBuilder()
                .setName("payments").setType(TopicType.TOPIC_TYPE_FIFO).setQueues(16).build());

        assertThat(created).isEqualTo(topic("payments", TopicType.TOPIC_TYPE_FIFO, 16));
    }

    @Test
    void shouldRefuseATopicThatExists() {
        admin.createTopic(CreateTopicRequest.newBuilder().setName("orders").build());

        assertStatus(() -> admin.createTopic(CreateTopicRequest.newBuilder().setName("orders").build()),
                Status.Code.ALREADY_EXISTS).hasMessageContaining("orders");
    }

    @Test
    void shouldRefuseIllegalTopicNamesAndQueueCounts() {
        assertStatus(() -> admin.createTopic(CreateTopicRequest.newBuilder().setName("bad name").build()),
                Status.Code.INVALID_ARGUMENT).hasMessageContaining("bad name");
        assertStatus(() -> admin.createTopic(CreateTopicRequest.newBuilder().setName("%DLQ%mine").build()),
                Status.Code.INVALID_ARGUMENT).hasMessageContaining("reserved");
        assertStatus(() -> admin.createTopic(CreateTopicRequest.newBuilder().setName("").build()),
                Status.Code.INVALID_ARGUMENT).hasMessageContaining("required");
        assertStatus(() -> admin.createTopic(CreateTopicRequest.newBuilder().setName("big").setQueues(5000).build()),
                Status.Code.INVALID_ARGUMENT).hasMessageContaining("queues must be between 1 and 1024");
        assertStatus(() -> admin.createTopic(CreateTopicRequest.newBuilder().setName("neg").setQueues(-1).build()),
                Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void shouldAnswerNotFoundForAMissingTopic() {
        assertStatus(() -> admin.getTopic(GetTopicRequest.newBuilder().setName("nope").build()),
                Status.Code.NOT_FOUND).hasMessageContaining("topic 'nope' not found");
        assertStatus(() -> admin.updateTopic(UpdateTopicRequest.newBuilder().setName("nope").setQueues(2).build()),
                Status.Code.NOT_FOUND);
        assertStatus(() -> admin.deleteTopic(DeleteTopicRequest.newBuilder().setName("nope").build()),
                Status.Code.NOT_FOUND);
    }

    @Test
    void shouldUpdateOnlyTheFieldsThatAreSet() {
        admin.createTopic(CreateTopicRequest.newBuilder().setName("orders").setType(TopicType.TOPIC_TYPE_FIFO).build());

        Topic updated = admin.updateTopic(UpdateTopicRequest.newBuilder().setName("orders").setQueues(8).build());

        assertThat(updated).isEqualTo(topic("orders", TopicType.TOPIC_TYPE_FIFO, 8));
        assertThat(admin.getTopic(GetTopicRequest.newBuilder().setName("orders").build())).isEqualTo(updated);
    }

    @Test
    void shouldDeleteATopic() {
        admin.createTopic(CreateTopicRequest.newBuilder().setName("orders").build());

        admin.deleteTopic(DeleteTopicRequest.newBuilder().setName("orders").build());

        assertStatus(() -> admin.getTopic(GetTopicRequest.newBuilder().setName("orders").build()), Status.Code.NOT_FOUND);
        assertThat(admin.listTopics(ListTopicsRequest.getDefaultInstance()).getTopicsList())
                .extracting(Topic::getName).doesNotContain("orders");
    }

    @Test
    void shouldCreateAGroupWithDefaultsWhenNothingIsSet() {
        Group created = admin.createGroup(CreateGroupRequest.newBuilder().setName("billing").build());

        assertThat(created.getFifo()).isFalse();
        assertThat(created.getMaxDeliveryAttempts()).isEqualTo(16);
        assertThat(created.getRetryPolicy()).isEqualTo(policy(1000, 2.0, 60_000));
        assertThat(admin.getGroup(GetGroupRequest.newBuilder().setName("billing").build())).isEqualTo(created);
        assertThat(admin.listGroups(ListGroupsRequest.getDefaultInstance()).getGroupsList()).contains(created);
    }

    @Test
    void shouldCreateAGroupWithTheRequestedSettings() {
        Group created = admin.createGroup(CreateGroupRequest.newBuilder().setName("billing").setFifo(true)
                .setMaxDeliveryAttempts(5).setRetryPolicy(policy(500, 3.0, 30_000)).build());

        assertThat(created.getFifo()).isTrue();
        assertThat(created.getMaxDeliveryAttempts()).isEqualTo(5);
        assertThat(created.getRetryPolicy()).isEqualTo(policy(500, 3.0, 30_000));
    }

    @Test
    void shouldRefuseInvalidGroupSettings() {
        assertStatus(() -> admin.createGroup(CreateGroupRequest.newBuilder().setName("g").setMaxDeliveryAttempts(1001).build()),
                Status.Code.INVALID_ARGUMENT).hasMessageContaining("max delivery attempts");
        assertStatus(() -> admin.createGroup(CreateGroupRequest.newBuilder().setName("g")
                        .setRetryPolicy(policy(1000, 0.5, 60_000)).build()),
                Status.Code.INVALID_ARGUMENT).hasMessageContaining("multiplier");
        assertStatus(() -> admin.createGroup(CreateGroupRequest.newBuilder().setName("bad/group").build()),
                Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void shouldUpdateOnlyTheGroupSettingsThatAreSet() {
        admin.createGroup(CreateGroupRequest.newBuilder().setName("billing").setFifo(true).build());

        Group updated = admin.updateGroup(UpdateGroupRequest.newBuilder().setName("billing").setMaxDeliveryAttempts(3).build());
        assertThat(updated.getFifo()).isTrue();
        assertThat(updated.getMaxDeliveryAttempts()).isEqualTo(3);

        Group unordered = admin.updateGroup(UpdateGroupRequest.newBuilder().setName("billing").setFifo(false).build());
        assertThat(unordered.getFifo()).isFalse();
        assertThat(unordered.getMaxDeliveryAttempts()).isEqualTo(3);
    }

    @Test
    void shouldDeleteAGroupAndAnswerNotFoundAfterwards() {
        admin.createGroup(CreateGroupRequest.newBuilder().setName("billing").build());

        admin.deleteGroup(DeleteGroupRequest.newBuilder().setName("billing").build());

        assertStatus(() -> admin.getGroup(GetGroupRequest.newBuilder().setName("billing").build()),
                Status.Code.NOT_FOUND).hasMessageContaining("consumer group 'billing' not found");
        assertStatus(() -> admin.updateGroup(UpdateGroupRequest.newBuilder().setName("billing").build()),
                Status.Code.NOT_FOUND);
    }

    @Test
    void shouldReportTheLagOfAGroupAsTheSumOfItsQueues() {
        admin.createGroup(CreateGroupRequest.newBuilder().setName("billing").build());

        GetConsumerLagResponse lag = admin.getConsumerLag(GetConsumerLagRequest.newBuilder().setGroup("billing").build());

        assertThat(lag.getGroup()).isEqualTo("billing");
        assertThat(lag.getTotalLag()).isEqualTo(lag.getQueuesList().stream().mapToLong(q -> q.getLag()).sum());
        assertStatus(() -> admin.getConsumerLag(GetConsumerLagRequest.newBuilder().setGroup("ghost").build()),
                Status.Code.NOT_FOUND);
    }

    private static Topic topic(String name, TopicType type, int queues) {
        return Topic.newBuilder().setName(name).setType(type).setQueues(queues).build();
    }

    private static RetryPolicy policy(long initialMillis, double multiplier, long maxMillis) {
        return RetryPolicy.newBuilder().setInitialBackoffMillis(initialMillis).setMultiplier(multiplier)
                .setMaxBackoffMillis(maxMillis).build();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertStatus(ThrowingSupplier<?> call, Status.Code code) {
        return assertThatThrownBy(call::get)
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
    }

    @Test
    void shouldListPendingTimersPerTopicWithTheNextDueTime() {
        admin.createTopic(CreateTopicRequest.newBuilder().setName("reminders").setType(TopicType.TOPIC_TYPE_DELAY).build());
        long due = System.currentTimeMillis() + 60_000;
        broker.send(java.util.List.of(dev.sluice.broker.TestMessages.delayed("reminders", "r1", due + 5),
                dev.sluice.broker.TestMessages.delayed("reminders", "r2", due))).join();

        ListTimersResponse all = admin.listTimers(ListTimersRequest.getDefaultInstance());
        ListTimersResponse one = admin.listTimers(ListTimersRequest.newBuilder().setTopic("reminders").build());

        TopicTimers expected = TopicTimers.newBuilder().setTopic("reminders").setPending(2).setNextDueMillis(due).build();
        assertThat(all.getTopicsList()).containsExactly(expected);
        assertThat(one.getTopicsList()).containsExactly(expected);
        assertThatThrownBy(() -> admin.listTimers(ListTimersRequest.newBuilder().setTopic("nope").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void shouldListUnresolvedTransactionsOfATopic() {
        admin.createTopic(CreateTopicRequest.newBuilder().setName("payments")
                .setType(TopicType.TOPIC_TYPE_TRANSACTION).build());
        dev.sluice.broker.SendReceipt half = broker.send(java.util.List.of(
                dev.sluice.broker.TestMessages.transactional("payments", "t1"))).join().get(0);

        ListTransactionsResponse list = admin.listTransactions(
                ListTransactionsRequest.newBuilder().setTopic("payments").build());

        assertThat(list.getTransactionsList()).singleElement().satisfies(t -> {
            assertThat(t.getTransactionId()).isEqualTo(half.transactionId());
            assertThat(t.getMessageId()).isEqualTo("t1");
            assertThat(t.getChecks()).isZero();
            assertThat(t.getCreatedMillis()).isPositive();
        });
        broker.endTransaction("payments", "t1", half.transactionId(), false, false).join();
        assertThat(admin.listTransactions(ListTransactionsRequest.newBuilder().setTopic("payments").build())
                .getTransactionsList()).isEmpty();
    }
}
