package dev.sluice.controller.server;

import dev.sluice.controller.image.ClusterImage;
import dev.sluice.controller.statemachine.MetadataStateMachine;
import dev.sluice.proto.controller.v1.ElectionPolicy;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * One controller node: the Raft server with the metadata state machine, a Raft client that
 * forwards this node's API calls to the Raft leader, the controller gRPC API on its own port,
 * and the leader-side liveness ticker.
 */
public final class ControllerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerServer.class);
    /** One Raft group per cluster; its id only has to be the same on every controller node. */
    static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.nameUUIDFromBytes("sluice-controller".getBytes(StandardCharsets.UTF_8)));
    private static final int DELTA_HISTORY = 4096;
    private static final TimeDuration ELECTION_TIMEOUT_MIN = TimeDuration.valueOf(500, TimeUnit.MILLISECONDS);
    private static final TimeDuration ELECTION_TIMEOUT_MAX = TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS);

    private final RaftServer raftServer;
    private final RaftClient raftClient;
    private final MetadataStateMachine stateMachine;
    private final Server grpcServer;
    private final ExecutorService blockingWork;
    private final ScheduledExecutorService ticker;

    private ControllerServer(RaftServer raftServer, RaftClient raftClient, MetadataStateMachine stateMachine,
                             Server grpcServer, ExecutorService blockingWork, ScheduledExecutorService ticker) {
        this.raftServer = raftServer;
        this.raftClient = raftClient;
        this.stateMachine = stateMachine;
        this.grpcServer = grpcServer;
        this.blockingWork = blockingWork;
        this.ticker = ticker;
    }

    public static ControllerServer start(ControllerConfig config) throws IOException {
        ControllerConfig.Peer self = config.self();
        RaftGroup group = RaftGroup.valueOf(GROUP_ID, config.peers().stream()
                .map(peer -> RaftPeer.newBuilder().setId(peer.id()).setAddress(peer.raftAddress()).build())
                .toList());
        RaftProperties properties = raftProperties(config);
        ElectionPolicy policy = ElectionPolicy.newBuilder()
                .setHeartbeatTimeoutMs(config.heartbeatTimeout().toMillis())
                .setUncleanElection(config.uncleanElection())
                .build();
        MetadataStateMachine stateMachine = new MetadataStateMachine(policy, System::currentTimeMillis, DELTA_HISTORY);
        RaftServer raftServer = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(self.id()))
                .setGroup(group)
                .setProperties(properties)
                .setStateMachine(stateMachine)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        raftServer.start();
        RaftClient raftClient = RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(group)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        50, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
        RaftServer.Division division = raftServer.getDivision(GROUP_ID);
        ExecutorService blockingWork = Executors.newCachedThreadPool(daemon("controller-work"));
        Server grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress(self.host(), config.grpcPort()))
                .addService(new ControllerGrpcService(raftClient, division, stateMachine, blockingWork))
                .build()
                .start();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("controller-liveness"));
        long period = Math.max(100, config.heartbeatTimeout().toMillis() / 5);
        ticker.scheduleWithFixedDelay(new LivenessTicker(division, raftClient, stateMachine.journal(),
                config.heartbeatTimeout(), System::currentTimeMillis), period, period, TimeUnit.MILLISECONDS);
        LOG.info("controller {} started: raft {} api {}:{} peers {}", self.id(), self.raftAddress(), self.host(),
                grpcServer.getPort(), config.peers());
        return new ControllerServer(raftServer, raftClient, stateMachine, grpcServer, blockingWork, ticker);
    }

    private static RaftProperties raftProperties(ControllerConfig config) {
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(config.dataDir().resolve("raft").toFile()));
        GrpcConfigKeys.Server.setHost(properties, config.self().host());
        GrpcConfigKeys.Server.setPort(properties, config.self().raftPort());
        // Slightly above Ratis' defaults: a 2-core host with GC pauses must not trigger needless elections.
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, ELECTION_TIMEOUT_MIN);
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, ELECTION_TIMEOUT_MAX);
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, config.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        // Only closed segments can be purged; small ones let a snapshot actually free the log.
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf("1MB"));
        return properties;
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    public int grpcPort() {
        return grpcServer.getPort();
    }

    public ClusterImage image() {
        return stateMachine.journal().image();
    }

    public void awaitTermination() throws InterruptedException {
        grpcServer.awaitTermination();
    }

    @Override
    public void close() throws IOException {
        ticker.shutdownNow();
        grpcServer.shutdownNow();
        try {
            grpcServer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        blockingWork.shutdownNow();
        raftClient.close();
        raftServer.close();
        LOG.info("controller stopped");
    }
}
