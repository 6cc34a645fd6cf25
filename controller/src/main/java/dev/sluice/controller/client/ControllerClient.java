package dev.sluice.controller.client;

import dev.sluice.proto.controller.v1.AlterInSyncRequest;
import dev.sluice.proto.controller.v1.BrokerGroup;
import dev.sluice.proto.controller.v1.ChangeResponse;
import dev.sluice.proto.controller.v1.ClusterStatus;
import dev.sluice.proto.controller.v1.ConfirmLeaderRequest;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import dev.sluice.proto.controller.v1.ControllerServiceGrpc;
import dev.sluice.proto.controller.v1.ControllerServiceGrpc.ControllerServiceBlockingStub;
import dev.sluice.proto.controller.v1.CreateConsumerGroupRequest;
import dev.sluice.proto.controller.v1.CreateTopicRequest;
import dev.sluice.proto.controller.v1.DeleteConsumerGroupRequest;
import dev.sluice.proto.controller.v1.DeleteTopicRequest;
import dev.sluice.proto.controller.v1.ElectLeaderRequest;
import dev.sluice.proto.controller.v1.GetClusterStatusRequest;
import dev.sluice.proto.controller.v1.GetMetadataRequest;
import dev.sluice.proto.controller.v1.HeartbeatRequest;
import dev.sluice.proto.controller.v1.MessageType;
import dev.sluice.proto.controller.v1.MetadataImage;
import dev.sluice.proto.controller.v1.RebalanceRequest;
import dev.sluice.proto.controller.v1.RegisterBrokerRequest;
import dev.sluice.proto.controller.v1.ReleaseQueuesRequest;
import dev.sluice.proto.controller.v1.SetDrainingRequest;
import dev.sluice.proto.controller.v1.TakeSnapshotRequest;
import dev.sluice.proto.controller.v1.UpdateConsumerGroupRequest;
import dev.sluice.proto.controller.v1.UpdateTopicRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Client of the controller API. Any controller node serves any call (followers forward writes
 * to the Raft leader), so the client only has to find a live node: a call that fails with a
 * retriable status is retried on the next node, with a short backoff, until the call's deadline.
 * Thread-safe; one instance per process is enough.
 *
 * <p>A retried write may have been applied by the attempt that seemed to fail. Every call
 * therefore carries one request id (header {@link #REQUEST_ID_HEADER}) across all its
 * attempts, and the controller answers a repeat with the first attempt's outcome.
 */
public final class ControllerClient implements AutoCloseable {

    /** Identifies one logical write across its retries; see the controller.proto header comment. */
    public static final Metadata.Key<String> REQUEST_ID_HEADER =
            Metadata.Key.of("sluice-request-id", Metadata.ASCII_STRING_MARSHALLER);

    private static final Set<Status.Code> RETRIABLE = Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED);
    private static final long ATTEMPT_TIMEOUT_MS = 4_000;
    private static final long MAX_BACKOFF_MS = 400;

    private final List<String> endpoints;
    private final List<ManagedChannel> channels;
    private final Duration deadline;
    /** The node that answered last; calls start there. */
    private final AtomicInteger current = new AtomicInteger();

    private ControllerClient(List<String> endpoints, Duration deadline) {
        this.endpoints = List.copyOf(endpoints);
        this.channels = endpoints.stream()
                .map(endpoint -> (ManagedChannel) NettyChannelBuilder.forTarget(endpoint).usePlaintext().build())
                .toList();
        this.deadline = deadline;
    }

    /**
     * @param endpoints controller API addresses, {@code host:port}
     * @param deadline  how long one call may take, retries included
     */
    public static ControllerClient connect(List<String> endpoints, Duration deadline) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one controller endpoint is needed");
        }
        return new ControllerClient(endpoints, deadline);
    }

    public List<String> endpoints() {
        return endpoints;
    }

    public ChangeResponse registerBroker(String brokerId, String brokerGroup, List<String> brokerEndpoints) {
        return call(stub -> stub.registerBroker(RegisterBrokerRequest.newBuilder().setBrokerId(brokerId)
                .setBrokerGroup(brokerGroup).addAllEndpoints(brokerEndpoints).build()));
    }

    public ChangeResponse heartbeat(String brokerId) {
        return call(stub -> stub.heartbeat(HeartbeatRequest.newBuilder().setBrokerId(brokerId).build()));
    }

    public ChangeResponse createTopic(String name, int queueCount, MessageType type) {
        return call(stub -> stub.createTopic(CreateTopicRequest.newBuilder().setName(name)
                .setQueueCount(queueCount).setMessageType(type).build()));
    }

    public ChangeResponse updateTopic(UpdateTopicRequest request) {
        return call(stub -> stub.updateTopic(request));
    }

    public ChangeResponse deleteTopic(String name) {
        return call(stub -> stub.deleteTopic(DeleteTopicRequest.newBuilder().setName(name).build()));
    }

    public ChangeResponse createConsumerGroup(ConsumerGroup group) {
        return call(stub -> stub.createConsumerGroup(CreateConsumerGroupRequest.newBuilder().setGroup(group).build()));
    }

    public ChangeResponse updateConsumerGroup(ConsumerGroup group) {
        return call(stub -> stub.updateConsumerGroup(UpdateConsumerGroupRequest.newBuilder().setGroup(group).build()));
    }

    public ChangeResponse deleteConsumerGroup(String name) {
        return call(stub -> stub.deleteConsumerGroup(DeleteConsumerGroupRequest.newBuilder().setName(name).build()));
    }

    public ChangeResponse electLeader(ElectLeaderRequest request) {
        return call(stub -> stub.electLeader(request));
    }

    public ChangeResponse alterInSync(AlterInSyncRequest request) {
        return call(stub -> stub.alterInSync(request));
    }

    public BrokerGroup confirmLeader(ConfirmLeaderRequest request) {
        return call(stub -> stub.confirmLeader(request));
    }

    public ChangeResponse setDraining(String brokerGroup, boolean draining) {
        return call(stub -> stub.setDraining(SetDrainingRequest.newBuilder().setBrokerGroup(brokerGroup)
                .setDraining(draining).build()));
    }

    /** Reported by a group's leader once its read-only copy of these queues is consumed. */
    public ChangeResponse releaseQueues(ReleaseQueuesRequest request) {
        return call(stub -> stub.releaseQueues(request));
    }

    public ChangeResponse rebalance() {
        return call(stub -> stub.rebalance(RebalanceRequest.getDefaultInstance()));
    }

    /** The current image: it holds every change acknowledged before the call. */
    public MetadataImage metadata() {
        return call(stub -> stub.getMetadata(GetMetadataRequest.getDefaultInstance()));
    }

    /** Status as seen by the first node that answers, including that node's own image. */
    public ClusterStatus clusterStatus() {
        return call(stub -> stub.getClusterStatus(GetClusterStatusRequest.getDefaultInstance()));
    }

    /** Takes a snapshot on the first node that answers; returns the log index it covers. */
    public long takeSnapshot() {
        return call(stub -> stub.takeSnapshot(TakeSnapshotRequest.getDefaultInstance())).getSnapshotIndex();
    }

    /**
     * Streams the metadata from {@code fromVersion} (0: a full image first) to the listener,
     * reconnecting to the next node with the last version received whenever a stream breaks.
     */
    public MetadataWatch watch(long fromVersion, MetadataWatch.Listener listener) {
        return MetadataWatch.start(this, fromVersion, listener);
    }

    ControllerServiceGrpc.ControllerServiceStub asyncStub(int node) {
        return ControllerServiceGrpc.newStub(channels.get(Math.floorMod(node, channels.size())));
    }

    int currentNode() {
        return current.get();
    }

    /** Runs one call, moving on to the next node on a retriable failure, until the deadline. */
    private <T> T call(Function<ControllerServiceBlockingStub, T> rpc) {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        long backoffMs = 25;
        Metadata requestId = new Metadata();
        requestId.put(REQUEST_ID_HEADER, UUID.randomUUID().toString());
        while (true) {
            int node = current.get();
            long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            try {
                ControllerServiceBlockingStub stub = ControllerServiceGrpc
                        .newBlockingStub(channels.get(Math.floorMod(node, channels.size())))
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(requestId))
                        .withDeadlineAfter(Math.max(1, Math.min(remainingMs, ATTEMPT_TIMEOUT_MS)),
                                TimeUnit.MILLISECONDS);
                return rpc.apply(stub);
            } catch (StatusRuntimeException e) {
                if (!RETRIABLE.contains(e.getStatus().getCode())
                        || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs) >= deadlineNanos) {
                    throw e;
                }
                current.compareAndSet(node, node + 1);
                sleep(backoffMs);
                backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").withCause(e).asRuntimeException();
        }
    }

    void moveOn(int failedNode) {
        current.compareAndSet(failedNode, failedNode + 1);
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel channel : channels) {
            try {
                channel.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
