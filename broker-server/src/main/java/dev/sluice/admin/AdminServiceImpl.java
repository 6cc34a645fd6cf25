package dev.sluice.admin;

import dev.sluice.broker.Broker;
import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.NameRules;
import dev.sluice.broker.QueueLag;
import dev.sluice.broker.TopicConfig;
import dev.sluice.proto.admin.v1.AdminGrpc;
import dev.sluice.proto.admin.v1.CreateGroupRequest;
import dev.sluice.proto.admin.v1.CreateTopicRequest;
import dev.sluice.proto.admin.v1.DeleteGroupRequest;
import dev.sluice.proto.admin.v1.DeleteGroupResponse;
import dev.sluice.proto.admin.v1.DeleteTopicRequest;
import dev.sluice.proto.admin.v1.DeleteTopicResponse;
import dev.sluice.proto.admin.v1.GetConsumerLagRequest;
import dev.sluice.proto.admin.v1.GetConsumerLagResponse;
import dev.sluice.proto.admin.v1.GetGroupRequest;
import dev.sluice.proto.admin.v1.GetTopicRequest;
import dev.sluice.proto.admin.v1.Group;
import dev.sluice.proto.admin.v1.ListGroupsRequest;
import dev.sluice.proto.admin.v1.ListGroupsResponse;
import dev.sluice.proto.admin.v1.ListTopicsRequest;
import dev.sluice.proto.admin.v1.ListTopicsResponse;
import dev.sluice.proto.admin.v1.Topic;
import dev.sluice.proto.admin.v1.UpdateGroupRequest;
import dev.sluice.proto.admin.v1.UpdateTopicRequest;
import dev.sluice.proto.admin.v1.GetMessageHistoryRequest;
import dev.sluice.proto.admin.v1.GetMessageHistoryResponse;
import dev.sluice.proto.admin.v1.ListDeadLettersRequest;
import dev.sluice.proto.admin.v1.ListDeadLettersResponse;
import dev.sluice.proto.admin.v1.RedriveDeadLettersRequest;
import dev.sluice.proto.admin.v1.RedriveDeadLettersResponse;
import dev.sluice.broker.dlq.RedriveResult;
import dev.sluice.broker.timer.PendingTimers;
import dev.sluice.broker.tx.PendingTransaction;
import dev.sluice.proto.admin.v1.ListTransactionsRequest;
import dev.sluice.proto.admin.v1.ListTransactionsResponse;
import dev.sluice.proto.admin.v1.Transaction;
import dev.sluice.proto.admin.v1.ListTimersRequest;
import dev.sluice.proto.admin.v1.ListTimersResponse;
import dev.sluice.proto.admin.v1.TopicTimers;
import dev.sluice.store.MessageKind;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sluice's admin API over a {@link Broker}: topics, consumer groups, consumer lag, dead letters
 * and message delivery history.
 * Refusals become gRPC statuses (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, UNAVAILABLE)
 * carrying the broker's message; anything unexpected is logged and answered INTERNAL.
 *
 * <p>Thread-safety: stateless apart from the broker, which is thread-safe; broker calls here
 * are metadata writes (one RocksDB write at most), so they run on the calling gRPC thread.
 */
public final class AdminServiceImpl extends AdminGrpc.AdminImplBase {

    private static final Logger log = LoggerFactory.getLogger(AdminServiceImpl.class);

    /** Dead letters listed when the request sets no limit. */
    static final int DEFAULT_DEAD_LETTER_LIMIT = 1000;

    /** Unresolved transactions listed when the request sets no limit. */
    static final int DEFAULT_TRANSACTION_LIMIT = 1000;

    private final Broker broker;
    private final BrokerConfig config;
    private final ChangeMirror mirror;

    public AdminServiceImpl(Broker broker, BrokerConfig config, ChangeMirror mirror) {
        this.broker = broker;
        this.config = config;
        this.mirror = mirror;
    }

    @Override
    public void createTopic(CreateTopicRequest request, StreamObserver<Topic> response) {
        answer(response, () -> {
            NameRules.checkUserTopic(request.getName());
            int queues = request.getQueues() == 0 ? config.defaultQueues() : request.getQueues();
            MessageKind type = AdminMessages.toKind(request.getType(), MessageKind.NORMAL);
            TopicConfig created = broker.createTopic(new TopicConfig(request.getName(), type, queues));
            log.info("Created topic {} ({}, {} queues)", created.name(), created.type(), created.queues());
            mirror.awaitMirrored(ChangeMirror.topic(created.name()));
            return AdminMessages.toProto(created);
        });
    }

    @Override
    public void updateTopic(UpdateTopicRequest request, StreamObserver<Topic> response) {
        answer(response, () -> {
            TopicConfig current = existingTopic(request.getName());
            int queues = request.getQueues() == 0 ? current.queues() : request.getQueues();
            MessageKind type = AdminMessages.toKind(request.getType(), current.type());
            TopicConfig updated = broker.updateTopic(new TopicConfig(current.name(), type, queues));
            log.info("Updated topic {} ({}, {} queues)", updated.name(), updated.type(), updated.queues());
            mirror.awaitMirrored(ChangeMirror.topic(updated.name()));
            return AdminMessages.toProto(updated);
        });
    }

    @Override
    public void deleteTopic(DeleteTopicRequest request, StreamObserver<DeleteTopicResponse> response) {
        answer(response, () -> {
            broker.deleteTopic(existingTopic(request.getName()).name());
            log.info("Deleted topic {}", request.getName());
            mirror.awaitMirrored(ChangeMirror.topic(request.getName()));
            return DeleteTopicResponse.getDefaultInstance();
        });
    }

    @Override
    public void getTopic(GetTopicRequest request, StreamObserver<Topic> response) {
        answer(response, () -> AdminMessages.toProto(existingTopic(request.getName())));
    }

    @Override
    public void listTopics(ListTopicsRequest request, StreamObserver<ListTopicsResponse> response) {
        answer(response, () -> ListTopicsResponse.newBuilder()
                .addAllTopics(broker.topics().stream()
                        .sorted(Comparator.comparing(TopicConfig::name))
                        .map(AdminMessages::toProto)
                        .toList())
                .build());
    }

    @Override
    public void createGroup(CreateGroupRequest request, StreamObserver<Group> response) {
        answer(response, () -> {
            int attempts = request.getMaxDeliveryAttempts() == 0
                    ? GroupConfig.DEFAULT_MAX_DELIVERY_ATTEMPTS : request.getMaxDeliveryAttempts();
            GroupConfig defaults = GroupConfig.defaults(request.getName());
            GroupConfig created = broker.createGroup(new GroupConfig(request.getName(), request.getFifo(), attempts,
                    request.hasRetryPolicy() ? AdminMessages.toPolicy(request.getRetryPolicy()) : defaults.retryPolicy()));
            log.info("Created consumer group {}", created);
            mirror.awaitMirrored(ChangeMirror.group(created.name()));
            return AdminMessages.toProto(created);
        });
    }

    @Override
    public void updateGroup(UpdateGroupRequest request, StreamObserver<Group> response) {
        answer(response, () -> {
            GroupConfig current = existingGroup(request.getName());
            GroupConfig updated = broker.updateGroup(new GroupConfig(current.name(),
                    request.hasFifo() ? request.getFifo() : current.fifo(),
                    request.getMaxDeliveryAttempts() == 0 ? current.maxDeliveryAttempts() : request.getMaxDeliveryAttempts(),
                    request.hasRetryPolicy() ? AdminMessages.toPolicy(request.getRetryPolicy()) : current.retryPolicy()));
            log.info("Updated consumer group {}", updated);
            mirror.awaitMirrored(ChangeMirror.group(updated.name()));
            return AdminMessages.toProto(updated);
        });
    }

    @Override
    public void deleteGroup(DeleteGroupRequest request, StreamObserver<DeleteGroupResponse> response) {
        answer(response, () -> {
            broker.deleteGroup(existingGroup(request.getName()).name());
            log.info("Deleted consumer group {}", request.getName());
            mirror.awaitMirrored(ChangeMirror.group(request.getName()));
            return DeleteGroupResponse.getDefaultInstance();
        });
    }

    @Override
    public void getGroup(GetGroupRequest request, StreamObserver<Group> response) {
        answer(response, () -> AdminMessages.toProto(existingGroup(request.getName())));
    }

    @Override
    public void listGroups(ListGroupsRequest request, StreamObserver<ListGroupsResponse> response) {
        answer(response, () -> ListGroupsResponse.newBuilder()
                .addAllGroups(broker.groups().stream()
                        .sorted(Comparator.comparing(GroupConfig::name))
                        .map(AdminMessages::toProto)
                        .toList())
                .build());
    }

    @Override
    public void getConsumerLag(GetConsumerLagRequest request, StreamObserver<GetConsumerLagResponse> response) {
        answer(response, () -> {
            String group = existingGroup(request.getGroup()).name();
            List<QueueLag> queues = broker.lag(group).stream()
                    .sorted(Comparator.comparing(QueueLag::topic).thenComparingInt(QueueLag::queueId))
                    .toList();
            return GetConsumerLagResponse.newBuilder()
                    .setGroup(group)
                    .addAllQueues(queues.stream().map(AdminMessages::toProto).toList())
                    .setTotalLag(queues.stream().mapToLong(QueueLag::lag).sum())
                    .build();
        });
    }

    @Override
    public void listDeadLetters(ListDeadLettersRequest request, StreamObserver<ListDeadLettersResponse> response) {
        answer(response, () -> {
            if (request.getLimit() < 0) {
                throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT, "limit must not be negative");
            }
            int limit = request.getLimit() == 0 ? DEFAULT_DEAD_LETTER_LIMIT : request.getLimit();
            return ListDeadLettersResponse.newBuilder()
                    .addAllDeadLetters(broker.deadLetters(existingGroup(request.getGroup()).name(), limit).stream()
                            .map(AdminMessages::toProto).toList())
                    .build();
        });
    }

    @Override
    public void redriveDeadLetters(RedriveDeadLettersRequest request,
                                   StreamObserver<RedriveDeadLettersResponse> response) {
        answer(response, () -> {
            String group = existingGroup(request.getGroup()).name();
            RedriveResult result = broker.redrive(group, Set.copyOf(request.getMessageIdsList()),
                    request.getSinceMillis());
            log.info("Redrove dead letters of group {}: {} sent back, {} already, {} failed", group,
                    result.redriven(), result.alreadyRedriven(), result.failures().size());
            return RedriveDeadLettersResponse.newBuilder()
                    .setRedriven(result.redriven())
                    .setAlreadyRedriven(result.alreadyRedriven())
                    .addAllFailures(result.failures())
                    .build();
        });
    }

    @Override
    public void getMessageHistory(GetMessageHistoryRequest request,
                                  StreamObserver<GetMessageHistoryResponse> response) {
        answer(response, () -> {
            if (request.getMessageId().isBlank()) {
                throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT, "message id is required");
            }
            String group = request.getGroup().isEmpty() ? null : existingGroup(request.getGroup()).name();
            return AdminMessages.toProto(broker.history(existingTopic(request.getTopic()).name(),
                    request.getMessageId(), group));
        });
    }

    @Override
    public void listTimers(ListTimersRequest request, StreamObserver<ListTimersResponse> response) {
        answer(response, () -> {
            String topic = request.getTopic().isEmpty() ? null : existingTopic(request.getTopic()).name();
            ListTimersResponse.Builder timers = ListTimersResponse.newBuilder();
            for (PendingTimers pending : broker.pendingTimers(topic)) {
                timers.addTopics(TopicTimers.newBuilder().setTopic(pending.topic()).setPending(pending.count())
                        .setNextDueMillis(pending.nextDueMillis()));
            }
            return timers.build();
        });
    }

    @Override
    public void listTransactions(ListTransactionsRequest request, StreamObserver<ListTransactionsResponse> response) {
        answer(response, () -> {
            if (request.getLimit() < 0) {
                throw new BrokerException(BrokerError.ILLEGAL_ARGUMENT, "limit must not be negative");
            }
            int limit = request.getLimit() == 0 ? DEFAULT_TRANSACTION_LIMIT : request.getLimit();
            ListTransactionsResponse.Builder list = ListTransactionsResponse.newBuilder();
            for (PendingTransaction t : broker.unresolvedTransactions(existingTopic(request.getTopic()).name(), limit)) {
                list.addTransactions(Transaction.newBuilder().setTransactionId(t.transactionId()).setTopic(t.topic())
                        .setMessageId(t.messageId()).setProducer(t.producer()).setCreatedMillis(t.createdMillis())
                        .setChecks(t.checks()).setNextCheckMillis(t.nextCheckMillis()));
            }
            return list.build();
        });
    }

    private TopicConfig existingTopic(String name) {
        NameRules.checkTopic(name);
        return broker.topic(name).orElseThrow(
                () -> new BrokerException(BrokerError.TOPIC_NOT_FOUND, "topic '" + name + "' not found"));
    }

    private GroupConfig existingGroup(String name) {
        NameRules.checkGroup(name);
        return broker.group(name).orElseThrow(
                () -> new BrokerException(BrokerError.GROUP_NOT_FOUND, "consumer group '" + name + "' not found"));
    }

    private static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (BrokerException e) {
            if (e.error() == BrokerError.INTERNAL) {
                log.error("Admin call failed", e);
            }
            response.onError(AdminErrors.toStatus(e).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            log.error("Admin call failed", e);
            response.onError(Status.INTERNAL.withDescription("internal error: " + e).asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
