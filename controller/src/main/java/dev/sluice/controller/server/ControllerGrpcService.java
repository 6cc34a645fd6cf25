package dev.sluice.controller.server;

import dev.sluice.controller.statemachine.MetadataJournal;
import dev.sluice.controller.statemachine.MetadataStateMachine;
import dev.sluice.controller.statemachine.RejectedCommandException;
import dev.sluice.controller.statemachine.RejectionCode;
import dev.sluice.proto.controller.v1.AlterInSyncRequest;
import dev.sluice.proto.controller.v1.BrokerGroup;
import dev.sluice.proto.controller.v1.ChangeResponse;
import dev.sluice.proto.controller.v1.ClusterStatus;
import dev.sluice.proto.controller.v1.CommandResult;
import dev.sluice.proto.controller.v1.ConfirmLeaderRequest;
import dev.sluice.proto.controller.v1.ControllerNode;
import dev.sluice.proto.controller.v1.ControllerServiceGrpc;
import dev.sluice.proto.controller.v1.CreateConsumerGroupRequest;
import dev.sluice.proto.controller.v1.CreateTopicRequest;
import dev.sluice.proto.controller.v1.DeleteConsumerGroupRequest;
import dev.sluice.proto.controller.v1.DeleteTopicRequest;
import dev.sluice.proto.controller.v1.ElectLeaderRequest;
import dev.sluice.proto.controller.v1.GetClusterStatusRequest;
import dev.sluice.proto.controller.v1.GetMetadataRequest;
import dev.sluice.proto.controller.v1.HeartbeatRequest;
import dev.sluice.proto.controller.v1.MetadataCommand;
import dev.sluice.proto.controller.v1.MetadataImage;
import dev.sluice.proto.controller.v1.RebalanceRequest;
import dev.sluice.proto.controller.v1.RegisterBrokerRequest;
import dev.sluice.proto.controller.v1.ReleaseQueuesRequest;
import dev.sluice.proto.controller.v1.SetDrainingRequest;
import dev.sluice.proto.controller.v1.TakeSnapshotRequest;
import dev.sluice.proto.controller.v1.TakeSnapshotResponse;
import dev.sluice.proto.controller.v1.UpdateConsumerGroupRequest;
import dev.sluice.proto.controller.v1.UpdateTopicRequest;
import dev.sluice.proto.controller.v1.WatchEvent;
import dev.sluice.proto.controller.v1.WatchRequest;
import dev.sluice.controller.image.ImageCodec;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;

/**
 * The controller API of one node. Writes and reads go through this node's Raft client, which
 * finds the Raft leader and follows leader changes, so a call to a follower is forwarded
 * transparently. Watch and cluster status are served from this node's own state.
 * Handlers never block: Raft calls complete asynchronously; snapshots run on {@code blockingWork}.
 */
final class ControllerGrpcService extends ControllerServiceGrpc.ControllerServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerGrpcService.class);
    private static final long SNAPSHOT_TIMEOUT_MS = 30_000;

    private final RaftClient raft;
    private final WriteBatcher writes;
    private final RaftServer.Division division;
    /** This node with the Raft port it actually bound. */
    private final ControllerConfig.Peer self;
    private final MetadataStateMachine stateMachine;
    private final ExecutorService blockingWork;
    /** Topic and group writes over the API are refused: see {@link ControllerConfig#topicsOwnedElsewhere()}. */
    private final boolean topicsOwnedElsewhere;

    ControllerConfig.Peer self() {
        return self;
    }

    ControllerGrpcService(RaftClient raft, RaftServer.Division division, ControllerConfig.Peer self,
                          MetadataStateMachine stateMachine, ExecutorService blockingWork,
                          boolean topicsOwnedElsewhere) {
        this.raft = raft;
        this.writes = new WriteBatcher(raft);
        this.division = division;
        this.self = self;
        this.topicsOwnedElsewhere = topicsOwnedElsewhere;
        this.stateMachine = stateMachine;
        this.blockingWork = blockingWork;
    }

    @Override
    public void registerBroker(RegisterBrokerRequest request, StreamObserver<ChangeResponse> out) {
        submit(MetadataCommand.newBuilder().setRegisterBroker(request), out);
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<ChangeResponse> out) {
        submit(MetadataCommand.newBuilder().setHeartbeat(request), out);
    }

    @Override
    public void createTopic(CreateTopicRequest request, StreamObserver<ChangeResponse> out) {
        submitTopicOrGroupChange(MetadataCommand.newBuilder().setCreateTopic(request), out);
    }

    @Override
    public void updateTopic(UpdateTopicRequest request, StreamObserver<ChangeResponse> out) {
        submitTopicOrGroupChange(MetadataCommand.newBuilder().setUpdateTopic(request), out);
    }

    @Override
    public void deleteTopic(DeleteTopicRequest request, StreamObserver<ChangeResponse> out) {
        submitTopicOrGroupChange(MetadataCommand.newBuilder().setDeleteTopic(request), out);
    }

    @Override
    public void createConsumerGroup(CreateConsumerGroupRequest request, StreamObserver<ChangeResponse> out) {
        submitTopicOrGroupChange(MetadataCommand.newBuilder().setCreateConsumerGroup(request), out);
    }

    @Override
    public void updateConsumerGroup(UpdateConsumerGroupRequest request, StreamObserver<ChangeResponse> out) {
        submitTopicOrGroupChange(MetadataCommand.newBuilder().setUpdateConsumerGroup(request), out);
    }

    @Override
    public void deleteConsumerGroup(DeleteConsumerGroupRequest request, StreamObserver<ChangeResponse> out) {
        submitTopicOrGroupChange(MetadataCommand.newBuilder().setDeleteConsumerGroup(request), out);
    }

    @Override
    public void electLeader(ElectLeaderRequest request, StreamObserver<ChangeResponse> out) {
        submit(MetadataCommand.newBuilder().setElectLeader(request), out);
    }

    @Override
    public void alterInSync(AlterInSyncRequest request, StreamObserver<ChangeResponse> out) {
        submit(MetadataCommand.newBuilder().setAlterInSync(request), out);
    }

    @Override
    public void setDraining(SetDrainingRequest request, StreamObserver<ChangeResponse> out) {
        submit(MetadataCommand.newBuilder().setSetDraining(request), out);
    }

    @Override
    public void releaseQueues(ReleaseQueuesRequest request, StreamObserver<ChangeResponse> out) {
        submit(MetadataCommand.newBuilder().setReleaseQueues(request), out);
    }

    @Override
    public void rebalance(RebalanceRequest request, StreamObserver<ChangeResponse> out) {
        submit(MetadataCommand.newBuilder().setRebalance(request), out);
    }

    @Override
    public void getMetadata(GetMetadataRequest request, StreamObserver<MetadataImage> out) {
        reply(linearizableImage(), Function.identity(), out);
    }

    @Override
    public void confirmLeader(ConfirmLeaderRequest request, StreamObserver<BrokerGroup> out) {
        reply(linearizableImage(), image -> {
            BrokerGroup group = image.getBrokerGroupsList().stream()
                    .filter(g -> g.getName().equals(request.getBrokerGroup())).findFirst()
                    .orElseThrow(() -> Status.NOT_FOUND.withDescription(
                            "broker group " + request.getBrokerGroup() + " does not exist").asRuntimeException());
            if (!group.getLeader().equals(request.getBrokerId()) || group.getLeaderEpoch() != request.getLeaderEpoch()) {
                throw Status.ABORTED.withDescription("STALE_EPOCH: group " + group.getName() + " is led by '"
                        + group.getLeader() + "' at leader epoch " + group.getLeaderEpoch()).asRuntimeException();
            }
            return group;
        }, out);
    }

    @Override
    public void watch(WatchRequest request, StreamObserver<WatchEvent> out) {
        long applied = request.getFromVersion() <= 0 ? MetadataJournal.NOTHING_APPLIED : request.getFromVersion();
        new WatchStream(stateMachine.journal(), (ServerCallStreamObserver<WatchEvent>) out, blockingWork, applied)
                .start();
    }

    @Override
    public void getClusterStatus(GetClusterStatusRequest request, StreamObserver<ClusterStatus> out) {
        DivisionInfo info = division.getInfo();
        RaftPeerId leader = info.getLeaderId();
        ClusterStatus.Builder status = ClusterStatus.newBuilder()
                .setAnsweringNode(division.getId().toString())
                .setRaftLeader(leader == null ? "" : leader.toString())
                .setRaftTerm(info.getCurrentTerm())
                .setUncleanElection(stateMachine.policy().getUncleanElection())
                .setHeartbeatTimeoutMs(stateMachine.policy().getHeartbeatTimeoutMs())
                .setImage(ImageCodec.toProto(stateMachine.journal().image()));
        for (RaftPeer peer : division.getGroup().getPeers()) {
            boolean isSelf = peer.getId().toString().equals(self.id());
            status.addNodes(ControllerNode.newBuilder().setId(peer.getId().toString())
                    .setRaftAddress(isSelf ? self.raftAddress() : peer.getAddress()).setLeader(peer.getId().equals(leader)));
        }
        out.onNext(status.build());
        out.onCompleted();
    }

    @Override
    public void takeSnapshot(TakeSnapshotRequest request, StreamObserver<TakeSnapshotResponse> out) {
        blockingWork.execute(() -> {
            try {
                // forced: by default Ratis skips the snapshot until 1024 entries were applied since the last one
                RaftClientReply reply = raft.getSnapshotManagementApi(division.getId())
                        .create(true, SNAPSHOT_TIMEOUT_MS);
                if (!reply.isSuccess()) {
                    throw reply.getException() != null ? reply.getException()
                            : new IOException("snapshot was not taken");
                }
                out.onNext(TakeSnapshotResponse.newBuilder().setSnapshotIndex(reply.getLogIndex()).build());
                out.onCompleted();
            } catch (IOException e) {
                LOG.warn("on-demand snapshot failed", e);
                out.onError(Status.UNAVAILABLE.withDescription("snapshot failed: " + e.getMessage())
                        .withCause(e).asRuntimeException());
            }
        });
    }

    private void submitTopicOrGroupChange(MetadataCommand.Builder command, StreamObserver<ChangeResponse> out) {
        if (topicsOwnedElsewhere) {
            out.onError(Status.FAILED_PRECONDITION.withDescription("the topics and consumer groups of this controller "
                    + "mirror the store of the 'sluice standalone' it runs in; change them there with "
                    + "'sluice admin --server HOST:PORT topic|group ...'").asRuntimeException());
            return;
        }
        submit(command, out);
    }

    private void submit(MetadataCommand.Builder command, StreamObserver<ChangeResponse> out) {
        command.setRequestId(RequestIdInterceptor.current());
        reply(write(command.build()), Function.identity(), out);
    }

    /** Appends one command through the Raft leader; fails with the gRPC status a caller would get. */
    CompletableFuture<ChangeResponse> write(MetadataCommand command) {
        return writes.submit(command)
                .thenApply(ControllerGrpcService::changeOf)
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(statusOf(error)));
    }

    /**
     * This node's image once it has applied everything the Raft leader had committed when the
     * call arrived (read index), so a change acknowledged to anyone before is in it.
     */
    private CompletableFuture<MetadataImage> linearizableImage() {
        // Unordered: an ordered read aimed at one server shares the stream to it with the ordered
        // writes routed to the leader, and Ratis then stalls it until the request times out.
        return raft.async().sendReadOnlyUnordered(Message.valueOf(ByteString.EMPTY), division.getId())
                .thenApply(reply -> {
                    requireSuccess(reply);
                    return parse(() -> MetadataImage.parseFrom(reply.getMessage().getContent().toByteArray()));
                });
    }

    private static ChangeResponse changeOf(CommandResult result) {
        if (result.hasRejection()) {
            RejectionCode code = RejectionCode.valueOf(result.getRejection().getCode());
            throw statusOf(new RejectedCommandException(code, result.getRejection().getMessage()));
        }
        return result.getChange();
    }

    private static void requireSuccess(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new CompletionException(reply.getException());
        }
    }

    private static <T, R> void reply(CompletableFuture<T> future, Function<T, R> response, StreamObserver<R> out) {
        future.thenApply(response).whenComplete((value, error) -> {
            if (error == null) {
                out.onNext(value);
                out.onCompleted();
            } else {
                out.onError(statusOf(error));
            }
        });
    }

    /** Refusals keep their meaning; anything else about reaching the Raft leader is retriable. */
    private static StatusRuntimeException statusOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException status) {
                return status;
            }
            if (t instanceof RejectedCommandException rejected) {
                Status status = switch (rejected.code()) {
                    case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
                    case NOT_FOUND -> Status.NOT_FOUND;
                    case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
                    case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
                    case STALE_EPOCH -> Status.ABORTED;
                };
                // ABORTED alone does not say why; the other codes do
                String description = rejected.code() == RejectionCode.STALE_EPOCH ? rejected.getMessage()
                        : rejected.detail();
                return status.withDescription(description).asRuntimeException();
            }
        }
        LOG.debug("controller call failed", error);
        return Status.UNAVAILABLE.withDescription("controller leader not reachable: " + error).asRuntimeException();
    }

    private interface ProtoParser<T> {
        T parse() throws InvalidProtocolBufferException;
    }

    private static <T> T parse(ProtoParser<T> parser) {
        try {
            return parser.parse();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable reply from the controller state machine", e);
        }
    }
}
