package dev.sluice.controller.statemachine;

import dev.sluice.controller.image.BrokerGroupImage;
import dev.sluice.controller.image.BrokerImage;
import dev.sluice.controller.image.ClusterImage;
import dev.sluice.controller.image.ConsumerGroupImage;
import dev.sluice.controller.image.ImageCodec;
import dev.sluice.controller.image.ImageDelta;
import dev.sluice.controller.image.MessageType;
import dev.sluice.controller.image.QueueAssignment;
import dev.sluice.controller.image.RetryPolicy;
import dev.sluice.controller.image.TopicImage;
import dev.sluice.proto.controller.v1.AlterInSyncRequest;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import dev.sluice.proto.controller.v1.CreateTopicRequest;
import dev.sluice.proto.controller.v1.ElectLeaderRequest;
import dev.sluice.proto.controller.v1.ElectionPolicy;
import dev.sluice.proto.controller.v1.MetadataCommand;
import dev.sluice.proto.controller.v1.RegisterBrokerRequest;
import dev.sluice.proto.controller.v1.ReleaseQueuesRequest;
import dev.sluice.proto.controller.v1.SetDrainingRequest;
import dev.sluice.proto.controller.v1.UpdateTopicRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns one metadata command into changes of the image: a pure function of (image, command),
 * so every node applying the same log reaches the same image. Time and election policy come from
 * the command (stamped by the Raft leader), never from the local clock or config.
 *
 * <p>The state machine runs it twice: in {@code startTransaction} against the latest image, so
 * bad requests never reach the log, and again when the entry is applied, because entries
 * appended in between may have changed the state the request was judged against.
 */
public final class CommandApplier {

    /** Topic, group and broker names: the character set RocketMQ clients accept for resources. */
    private static final Pattern NAME = Pattern.compile("[%|a-zA-Z0-9_-]{1,127}");
    /** {@code host:port}, an IPv6 host in brackets. */
    private static final Pattern ENDPOINT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^:\\s\\[\\]]+):\\d{1,5}");
    static final int MAX_QUEUES_PER_TOPIC = 1024;
    static final int DEFAULT_MAX_DELIVERY_ATTEMPTS = 16;
    static final int MAX_DELIVERY_ATTEMPTS_LIMIT = 1000;

    /**
     * @param brokerGroup the broker group the command touched, if any
     * @param topic       the topic the command touched, if any
     */
    public record Outcome(ImageDelta delta, Optional<String> brokerGroup, Optional<String> topic) {
    }

    private final ImageDelta delta;
    private final long now;
    private final ElectionPolicy policy;

    private CommandApplier(ClusterImage image, MetadataCommand command) {
        this.delta = new ImageDelta(image);
        this.now = command.getTimestampMs();
        this.policy = command.getPolicy();
    }

    public static Outcome apply(ClusterImage image, MetadataCommand command) throws RejectedCommandException {
        return new CommandApplier(image, command).dispatch(command);
    }

    private Outcome dispatch(MetadataCommand command) throws RejectedCommandException {
        return switch (command.getCommandCase()) {
            case REGISTER_BROKER -> registerBroker(command.getRegisterBroker());
            case HEARTBEAT -> heartbeat(command.getHeartbeat().getBrokerId());
            case CREATE_TOPIC -> createTopic(command.getCreateTopic());
            case UPDATE_TOPIC -> updateTopic(command.getUpdateTopic());
            case DELETE_TOPIC -> deleteTopic(command.getDeleteTopic().getName());
            case CREATE_CONSUMER_GROUP -> putConsumerGroup(command.getCreateConsumerGroup().getGroup(), false);
            case UPDATE_CONSUMER_GROUP -> putConsumerGroup(command.getUpdateConsumerGroup().getGroup(), true);
            case DELETE_CONSUMER_GROUP -> deleteConsumerGroup(command.getDeleteConsumerGroup().getName());
            case ELECT_LEADER -> electLeader(command.getElectLeader());
            case ALTER_IN_SYNC -> alterInSync(command.getAlterInSync());
            case SET_DRAINING -> setDraining(command.getSetDraining());
            case REBALANCE -> rebalance();
            case LIVENESS_CHECK -> checkLiveness();
            case RELEASE_QUEUES -> releaseQueues(command.getReleaseQueues());
            case BATCH -> throw reject(RejectionCode.INVALID_ARGUMENT, "a batch holds plain commands only");
            case COMMAND_NOT_SET -> throw reject(RejectionCode.INVALID_ARGUMENT, "empty command");
        };
    }

    // ---------- brokers and liveness ----------

    private Outcome registerBroker(RegisterBrokerRequest request) throws RejectedCommandException {
        String id = requireName("broker id", request.getBrokerId());
        String groupName = requireName("broker group", request.getBrokerGroup());
        if (request.getEndpointsCount() == 0) {
            throw reject(RejectionCode.INVALID_ARGUMENT, "broker " + id + " registers no endpoint");
        }
        for (String endpoint : request.getEndpointsList()) {
            if (!ENDPOINT.matcher(endpoint).matches()) {
                throw reject(RejectionCode.INVALID_ARGUMENT, "endpoint must be host:port, got '" + endpoint + "'");
            }
        }
        Optional<BrokerImage> known = delta.broker(id);
        if (known.isPresent() && !known.get().group().equals(groupName)) {
            throw reject(RejectionCode.FAILED_PRECONDITION,
                    "broker " + id + " belongs to group " + known.get().group() + ", not " + groupName);
        }
        delta.putBroker(new BrokerImage(id, groupName, request.getEndpointsList(), now, true));
        BrokerGroupImage group = delta.brokerGroup(groupName)
                .map(existing -> existing.withReplica(id))
                .orElseGet(() -> BrokerGroupImage.founded(groupName, id));
        delta.putBrokerGroup(maybeElectReturning(group, id));
        return touchedGroup(groupName);
    }

    private Outcome heartbeat(String brokerId) throws RejectedCommandException {
        BrokerImage broker = delta.broker(brokerId).orElseThrow(
                () -> reject(RejectionCode.NOT_FOUND, "broker " + brokerId + " is not registered"));
        delta.putBroker(broker.heartbeatAt(now));
        if (!broker.alive()) {
            BrokerGroupImage group = delta.brokerGroup(broker.group()).orElseThrow();
            delta.putBrokerGroup(maybeElectReturning(group, brokerId));
        }
        return touchedGroup(broker.group());
    }

    /** A leaderless group takes a returning broker as leader if it is in sync, or if unclean election is on. */
    private BrokerGroupImage maybeElectReturning(BrokerGroupImage group, String brokerId) {
        if (group.hasLeader()) {
            return group;
        }
        if (group.inSync().contains(brokerId)) {
            return group.withLeader(brokerId, group.inSync());
        }
        if (policy.getUncleanElection()) {
            return group.withLeader(brokerId, List.of(brokerId));
        }
        return group;
    }

    private Outcome checkLiveness() {
        long timeout = policy.getHeartbeatTimeoutMs();
        for (BrokerImage broker : delta.allBrokers().values()) {
            if (broker.alive() && now - broker.lastHeartbeatMs() > timeout) {
                delta.putBroker(broker.markedDown());
                BrokerGroupImage group = delta.brokerGroup(broker.group()).orElseThrow();
                delta.putBrokerGroup(afterLoss(group, broker.id()));
            }
        }
        return new Outcome(delta, Optional.empty(), Optional.empty());
    }

    /**
     * A down broker leaves the in-sync set, except the last member: keeping it lets the group
     * recover cleanly when that broker returns. If it led, the first alive in-sync replica takes over.
     */
    private BrokerGroupImage afterLoss(BrokerGroupImage group, String downBroker) {
        List<String> inSync = new ArrayList<>(group.inSync());
        if (inSync.size() > 1) {
            inSync.remove(downBroker);
        }
        if (!group.leader().equals(downBroker)) {
            return inSync.equals(group.inSync()) ? group : group.withInSync(inSync);
        }
        Optional<String> clean = firstAlive(group.replicas(), inSync, downBroker);
        if (clean.isPresent()) {
            return group.withLeader(clean.get(), inSync);
        }
        if (policy.getUncleanElection()) {
            Optional<String> unclean = firstAlive(group.replicas(), group.replicas(), downBroker);
            if (unclean.isPresent()) {
                return group.withLeader(unclean.get(), List.of(unclean.get()));
            }
        }
        return group.withLeader(BrokerGroupImage.NO_LEADER, inSync);
    }

    private Optional<String> firstAlive(List<String> replicas, List<String> candidates, String excluded) {
        return replicas.stream()
                .filter(candidates::contains)
                .filter(id -> !id.equals(excluded))
                .filter(id -> delta.broker(id).map(BrokerImage::alive).orElse(false))
                .findFirst();
    }

    // ---------- replica state (fenced by state epoch) ----------

    private Outcome electLeader(ElectLeaderRequest request) throws RejectedCommandException {
        BrokerGroupImage group = requireCurrentEpoch(request.getBrokerGroup(), request.getBasedOnStateEpoch());
        String preferred = request.getPreferredLeader();
        if (preferred.isEmpty()) {
            Optional<String> clean = firstAlive(group.replicas(), group.inSync(), group.leader());
            if (clean.isPresent()) {
                delta.putBrokerGroup(group.withLeader(clean.get(), group.inSync()));
            } else if (policy.getUncleanElection()
                    && firstAlive(group.replicas(), group.replicas(), group.leader()).isPresent()) {
                String unclean = firstAlive(group.replicas(), group.replicas(), group.leader()).orElseThrow();
                delta.putBrokerGroup(group.withLeader(unclean, List.of(unclean)));
            } else {
                throw reject(RejectionCode.FAILED_PRECONDITION,
                        "group " + group.name() + " has no other alive in-sync replica to elect");
            }
            return touchedGroup(group.name());
        }
        if (!group.replicas().contains(preferred)
                || !delta.broker(preferred).map(BrokerImage::alive).orElse(false)) {
            throw reject(RejectionCode.FAILED_PRECONDITION,
                    preferred + " is not an alive replica of group " + group.name());
        }
        if (group.inSync().contains(preferred)) {
            if (!preferred.equals(group.leader())) {
                delta.putBrokerGroup(group.withLeader(preferred, group.inSync()));
            }
        } else if (policy.getUncleanElection()) {
            delta.putBrokerGroup(group.withLeader(preferred, List.of(preferred)));
        } else {
            throw reject(RejectionCode.FAILED_PRECONDITION, preferred + " is not in sync in group "
                    + group.name() + " and unclean election is disabled");
        }
        return touchedGroup(group.name());
    }

    private Outcome alterInSync(AlterInSyncRequest request) throws RejectedCommandException {
        BrokerGroupImage group = requireCurrentEpoch(request.getBrokerGroup(), request.getBasedOnStateEpoch());
        if (!group.hasLeader() || !group.leader().equals(request.getLeader())) {
            throw reject(RejectionCode.STALE_EPOCH, request.getLeader() + " no longer leads group " + group.name());
        }
        List<String> inSync = request.getInSyncList();
        if (!inSync.contains(group.leader()) || !group.replicas().containsAll(inSync)) {
            throw reject(RejectionCode.INVALID_ARGUMENT,
                    "in-sync set must contain the leader and only replicas of group " + group.name());
        }
        delta.putBrokerGroup(group.withInSync(inSync));
        return touchedGroup(group.name());
    }

    private BrokerGroupImage requireCurrentEpoch(String groupName, long basedOn) throws RejectedCommandException {
        BrokerGroupImage group = requireBrokerGroup(groupName);
        if (basedOn != group.stateEpoch()) {
            throw reject(RejectionCode.STALE_EPOCH, "group " + groupName + " is at state epoch "
                    + group.stateEpoch() + ", request was based on " + basedOn);
        }
        return group;
    }

    // ---------- queue placement ----------

    private Outcome setDraining(SetDrainingRequest request) throws RejectedCommandException {
        BrokerGroupImage group = requireBrokerGroup(request.getBrokerGroup());
        delta.putBrokerGroup(group.withDraining(request.getDraining()));
        boolean ownsQueues = delta.allTopics().values().stream()
                .flatMap(topic -> topic.queues().stream())
                .anyMatch(queue -> queue.brokerGroup().equals(group.name()));
        if (request.getDraining() && ownsQueues) {
            new QueueAssigner(delta).rebalance();
        }
        return touchedGroup(group.name());
    }

    /**
     * A group that lost a queue to another owner keeps serving its backlog read-only; once its
     * leader reports that backlog consumed, the group lets go of the queue. A draining group that
     * has let go of all its queues is drained.
     */
    private Outcome releaseQueues(ReleaseQueuesRequest request) throws RejectedCommandException {
        BrokerGroupImage group = requireBrokerGroup(request.getBrokerGroup());
        if (!group.hasLeader() || !group.leader().equals(request.getBrokerId())
                || group.leaderEpoch() != request.getLeaderEpoch()) {
            throw reject(RejectionCode.STALE_EPOCH, request.getBrokerId() + " at leader epoch "
                    + request.getLeaderEpoch() + " does not lead group " + group.name() + " (leader '"
                    + group.leader() + "', epoch " + group.leaderEpoch() + ")");
        }
        TopicImage topic = requireTopic(request.getTopic());
        List<QueueAssignment> queues = new ArrayList<>(topic.queues());
        for (int queueId : request.getQueueIdsList()) {
            if (queueId < 0 || queueId >= queues.size()) {
                throw reject(RejectionCode.INVALID_ARGUMENT,
                        "topic " + topic.name() + " has no queue " + queueId + " (it has " + queues.size() + ")");
            }
            QueueAssignment queue = queues.get(queueId);
            if (queue.brokerGroup().equals(group.name())) {
                throw reject(RejectionCode.FAILED_PRECONDITION, "group " + group.name() + " owns queue " + queueId
                        + " of topic " + topic.name() + "; only a read-only copy can be released");
            }
            queues.set(queueId, queue.releasedBy(group.name()));
        }
        if (!queues.equals(topic.queues())) {
            delta.putTopic(topic.withQueues(queues));
        }
        return new Outcome(delta, Optional.of(group.name()), Optional.of(topic.name()));
    }

    private Outcome rebalance() throws RejectedCommandException {
        new QueueAssigner(delta).rebalance();
        return new Outcome(delta, Optional.empty(), Optional.empty());
    }

    // ---------- topics and consumer groups ----------

    private Outcome createTopic(CreateTopicRequest request) throws RejectedCommandException {
        String name = requireName("topic", request.getName());
        int queueCount = requireQueueCount(request.getQueueCount());
        MessageType type = messageType(request.getMessageType());
        if (delta.topic(name).isPresent()) {
            throw reject(RejectionCode.ALREADY_EXISTS, "topic '" + name + "' already exists");
        }
        TopicImage topic = new QueueAssigner(delta).growTo(new TopicImage(name, type, List.of()), queueCount);
        delta.putTopic(topic);
        return new Outcome(delta, Optional.empty(), Optional.of(name));
    }

    private Outcome updateTopic(UpdateTopicRequest request) throws RejectedCommandException {
        TopicImage topic = requireTopic(request.getName());
        if (request.getMessageType() != dev.sluice.proto.controller.v1.MessageType.MESSAGE_TYPE_UNSPECIFIED) {
            topic = topic.withMessageType(messageType(request.getMessageType()));
        }
        if (request.getQueueCount() != 0) {
            int queueCount = requireQueueCount(request.getQueueCount());
            if (queueCount < topic.queues().size()) {
                throw reject(RejectionCode.INVALID_ARGUMENT, "topic " + topic.name() + " has "
                        + topic.queues().size() + " queues; queue count can only grow");
            }
            topic = new QueueAssigner(delta).growTo(topic, queueCount);
        }
        delta.putTopic(topic);
        return new Outcome(delta, Optional.empty(), Optional.of(topic.name()));
    }

    private Outcome deleteTopic(String name) throws RejectedCommandException {
        requireTopic(name);
        delta.removeTopic(name);
        return new Outcome(delta, Optional.empty(), Optional.empty());
    }

    private Outcome putConsumerGroup(ConsumerGroup request, boolean update) throws RejectedCommandException {
        String name = requireName("consumer group", request.getName());
        boolean exists = delta.consumerGroup(name).isPresent();
        if (update && !exists) {
            throw reject(RejectionCode.NOT_FOUND, "consumer group '" + name + "' not found");
        }
        if (!update && exists) {
            throw reject(RejectionCode.ALREADY_EXISTS, "consumer group '" + name + "' already exists");
        }
        int attempts = request.getMaxDeliveryAttempts() == 0
                ? DEFAULT_MAX_DELIVERY_ATTEMPTS : request.getMaxDeliveryAttempts();
        if (attempts < 1 || attempts > MAX_DELIVERY_ATTEMPTS_LIMIT) {
            throw reject(RejectionCode.INVALID_ARGUMENT,
                    "max delivery attempts must be 1.." + MAX_DELIVERY_ATTEMPTS_LIMIT + ", got " + attempts);
        }
        RetryPolicy retry;
        try {
            retry = request.hasRetryPolicy() ? ImageCodec.fromProto(request.getRetryPolicy())
                    : RetryPolicy.defaultPolicy();
        } catch (IllegalArgumentException e) {
            throw reject(RejectionCode.INVALID_ARGUMENT, e.getMessage());
        }
        delta.putConsumerGroup(new ConsumerGroupImage(name, request.getFifo(), attempts, retry));
        return new Outcome(delta, Optional.empty(), Optional.empty());
    }

    private Outcome deleteConsumerGroup(String name) throws RejectedCommandException {
        if (delta.consumerGroup(name).isEmpty()) {
            throw reject(RejectionCode.NOT_FOUND, "consumer group '" + name + "' not found");
        }
        delta.removeConsumerGroup(name);
        return new Outcome(delta, Optional.empty(), Optional.empty());
    }

    // ---------- helpers ----------

    private Outcome touchedGroup(String groupName) {
        return new Outcome(delta, Optional.of(groupName), Optional.empty());
    }

    private BrokerGroupImage requireBrokerGroup(String name) throws RejectedCommandException {
        return delta.brokerGroup(name).orElseThrow(
                () -> reject(RejectionCode.NOT_FOUND, "broker group '" + name + "' not found"));
    }

    private TopicImage requireTopic(String name) throws RejectedCommandException {
        return delta.topic(name).orElseThrow(
                () -> reject(RejectionCode.NOT_FOUND, "topic '" + name + "' not found"));
    }

    private static String requireName(String what, String name) throws RejectedCommandException {
        if (!NAME.matcher(name).matches()) {
            throw reject(RejectionCode.INVALID_ARGUMENT,
                    what + " name must be 1-127 characters of [%|a-zA-Z0-9_-], got '" + name + "'");
        }
        return name;
    }

    private static int requireQueueCount(int queueCount) throws RejectedCommandException {
        if (queueCount < 1 || queueCount > MAX_QUEUES_PER_TOPIC) {
            throw reject(RejectionCode.INVALID_ARGUMENT,
                    "queue count must be 1.." + MAX_QUEUES_PER_TOPIC + ", got " + queueCount);
        }
        return queueCount;
    }

    private static MessageType messageType(dev.sluice.proto.controller.v1.MessageType type)
            throws RejectedCommandException {
        try {
            return ImageCodec.fromProto(type);
        } catch (IllegalArgumentException e) {
            throw reject(RejectionCode.INVALID_ARGUMENT, e.getMessage());
        }
    }

    private static RejectedCommandException reject(RejectionCode code, String detail) {
        return new RejectedCommandException(code, detail);
    }
}
