package dev.sluice.controller.server;

import dev.sluice.controller.image.BrokerImage;
import dev.sluice.controller.image.ClusterImage;
import dev.sluice.controller.statemachine.MetadataStateMachine;
import dev.sluice.proto.controller.v1.ChangeResponse;
import dev.sluice.proto.controller.v1.ControllerServiceGrpc;
import dev.sluice.proto.controller.v1.ElectionPolicy;
import dev.sluice.proto.controller.v1.MetadataCommand;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * One controller node: the Raft server with the metadata state machine, a Raft client that
 * forwards this node's API calls to the Raft leader, the controller gRPC API on its own port,
 * and the leader-side liveness ticker.
 *
 * <p>The API port is bound first; until the Raft half runs, calls are answered UNAVAILABLE
 * (clients retry). {@link #startInBackground} uses that so a process embedding the controller
 * need not wait for Ratis to load and start.
 */
public final class ControllerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControllerServer.class);
    /** One Raft group per cluster; its id only has to be the same on every controller node. */
    static final RaftGroupId GROUP_ID =
            RaftGroupId.valueOf(UUID.nameUUIDFromBytes("sluice-controller".getBytes(StandardCharsets.UTF_8)));
    private static final int DELTA_HISTORY = 4096;
    private static final TimeDuration ELECTION_TIMEOUT_MIN = TimeDuration.valueOf(500, TimeUnit.MILLISECONDS);
    private static final TimeDuration ELECTION_TIMEOUT_MAX = TimeDuration.valueOf(1000, TimeUnit.MILLISECONDS);
    private static final TimeDuration FIRST_ELECTION_TIMEOUT_ALONE = TimeDuration.valueOf(10, TimeUnit.MILLISECONDS);
    /** A node that cannot confirm a read with the leader this fast fails it; the client tries another node. */
    private static final TimeDuration READ_TIMEOUT = TimeDuration.valueOf(3, TimeUnit.SECONDS);

    /** The Raft half of a node and what serves the API from it. */
    private record RaftNode(RaftServer server, RaftServer.Division division, RaftClient client,
                            MetadataStateMachine stateMachine, ControllerGrpcService service, ServerServiceDefinition api, ExecutorService blockingWork,
                            ScheduledExecutorService ticker) {

        void close() throws IOException {
            ticker.shutdownNow();
            blockingWork.shutdownNow();
            // Server first: its end of the client's open streams goes away, so the client need not
            // wait seconds for them to finish gracefully.
            server.close();
            client.close();
        }
    }

    private final ControllerConfig config;
    private final CompletableFuture<RaftNode> raft = new CompletableFuture<>();
    private final Server grpcServer;
    private volatile boolean closing;

    private ControllerServer(ControllerConfig config) throws IOException {
        this.config = config;
        try {
            this.grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress(config.apiHost(), config.grpcPort()))
                    .addService(gatedApi())
                    .build()
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot serve the controller API on " + config.apiHost() + ":" + config.grpcPort()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Binds the API and starts Raft; returns once both run. */
    public static ControllerServer start(ControllerConfig config) throws IOException {
        ControllerServer server = new ControllerServer(config);
        try {
            server.startRaft();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Binds the API and returns; Raft starts on its own thread. A failure to start is logged,
     * and calls are then answered with it.
     */
    public static ControllerServer startInBackground(ControllerConfig config) throws IOException {
        ControllerServer server = new ControllerServer(config);
        Thread starter = new Thread(() -> {
            try {
                server.startRaft();
            } catch (IOException | RuntimeException e) {
                if (!server.closing) {
                    LOG.error("controller {} did not start", config.nodeId(), e);
                }
            }
        }, "controller-start");
        starter.setDaemon(true);
        starter.start();
        return server;
    }

    private void startRaft() throws IOException {
        try {
            raft.complete(newRaftNode());
        } catch (IOException | RuntimeException e) {
            raft.completeExceptionally(e);
            throw e;
        }
        LOG.info("controller {} started: raft {} api {}:{} peers {}", config.nodeId(),
                raft.join().service().self().raftAddress(), config.apiHost(), grpcServer.getPort(), config.peers());
    }

    private RaftNode newRaftNode() throws IOException {
        ControllerConfig.Peer self = config.self();
        RaftProperties properties = raftProperties(config);
        ElectionPolicy policy = ElectionPolicy.newBuilder()
                .setHeartbeatTimeoutMs(config.heartbeatTimeout().toMillis())
                .setUncleanElection(config.uncleanElection())
                .build();
        MetadataStateMachine stateMachine = new MetadataStateMachine(policy, System::currentTimeMillis, DELTA_HISTORY);
        RaftServer raftServer = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(self.id()))
                .setGroup(raftGroup(config.peers()))
                .setProperties(properties)
                .setStateMachine(stateMachine)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        raftServer.start();
        // A group of one may have asked for any free Raft port: its own client must use the bound one.
        ControllerConfig.Peer bound = new ControllerConfig.Peer(self.id(), self.host(),
                raftServer.getServerRpc().getInetSocketAddress().getPort());
        RaftClient raftClient = RaftClient.newBuilder()
                .setProperties(properties)
                .setRaftGroup(raftGroup(config.peers().stream().map(peer -> peer.id().equals(self.id()) ? bound : peer)
                        .toList()))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        50, TimeDuration.valueOf(100, TimeUnit.MILLISECONDS)))
                .build();
        RaftServer.Division division = raftServer.getDivision(GROUP_ID);
        ExecutorService blockingWork = Executors.newCachedThreadPool(daemon("controller-work"));
        ControllerGrpcService service = new ControllerGrpcService(raftClient, division, bound, stateMachine,
                blockingWork, config.topicsOwnedElsewhere());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("controller-liveness"));
        long period = Math.max(100, config.heartbeatTimeout().toMillis() / 5);
        ticker.scheduleWithFixedDelay(new LivenessTicker(division, raftClient, stateMachine.journal(),
                config.heartbeatTimeout(), System::currentTimeMillis), period, period, TimeUnit.MILLISECONDS);
        return new RaftNode(raftServer, division, raftClient, stateMachine, service,
                ServerInterceptors.intercept(service, new RequestIdInterceptor()), blockingWork, ticker);
    }

    /** Every API method, handed to the Raft node's service once it runs. */
    private ServerServiceDefinition gatedApi() {
        ServerServiceDefinition.Builder api =
                ServerServiceDefinition.builder(ControllerServiceGrpc.getServiceDescriptor());
        for (MethodDescriptor<?, ?> method : ControllerServiceGrpc.getServiceDescriptor().getMethods()) {
            addGated(api, method);
        }
        return api.build();
    }

    private <Q, R> void addGated(ServerServiceDefinition.Builder api, MethodDescriptor<Q, R> method) {
        api.addMethod(method, new ServerCallHandler<>() {
            @Override
            public ServerCall.Listener<Q> startCall(ServerCall<Q, R> call, Metadata headers) {
                if (!raft.isDone() || raft.isCompletedExceptionally()) {
                    String why = raft.isDone() ? "controller did not start: " + raft.handle((node, e) -> e).join()
                            : "controller " + config.nodeId() + " is starting";
                    call.close(Status.UNAVAILABLE.withDescription(why), new Metadata());
                    return new ServerCall.Listener<>() {
                    };
                }
                @SuppressWarnings("unchecked")
                ServerCallHandler<Q, R> handler = (ServerCallHandler<Q, R>) raft.join().api()
                        .getMethod(method.getFullMethodName()).getServerCallHandler();
                return handler.startCall(call, headers);
            }
        });
    }

    private static RaftGroup raftGroup(List<ControllerConfig.Peer> peers) {
        return RaftGroup.valueOf(GROUP_ID, peers.stream()
                .map(peer -> RaftPeer.newBuilder().setId(peer.id()).setAddress(peer.raftAddress()).build())
                .toList());
    }

    private static RaftProperties raftProperties(ControllerConfig config) {
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(properties, List.of(config.dataDir().resolve("raft").toFile()));
        GrpcConfigKeys.Server.setHost(properties, config.self().host());
        GrpcConfigKeys.Server.setPort(properties, config.self().raftPort());
        // Slightly above Ratis' defaults: a 2-core host with GC pauses must not trigger needless elections.
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, ELECTION_TIMEOUT_MIN);
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, ELECTION_TIMEOUT_MAX);
        if (config.singleNode()) {
            // Nobody else can be leader: start serving at once instead of after an election timeout.
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(properties, FIRST_ELECTION_TIMEOUT_ALONE);
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(properties, FIRST_ELECTION_TIMEOUT_ALONE);
        }
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(2, TimeUnit.SECONDS));
        // GetMetadata must see every acknowledged change, on whichever node answers: read index.
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setTimeout(properties, READ_TIMEOUT);
        // Ratis appends a metadata entry recording the commit index after every commit by default:
        // a second log write and fsync per metadata write, on every node, which halves the write
        // rate. Without it a restarted node learns the commit index from the leader (and a group
        // of one from its own election) before it applies its log tail. Acknowledged writes are
        // as durable as before: an entry is acknowledged once fsynced on a majority.
        RaftServerConfigKeys.Log.setLogMetadataEnabled(properties, false);
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

    /** Completes once Raft runs, or fails with the reason it did not start. */
    public CompletableFuture<Void> started() {
        return raft.thenApply(node -> null);
    }

    /** Why this node cannot serve until it is restarted (Raft did not start); empty otherwise. */
    public Optional<String> failure() {
        if (!raft.isCompletedExceptionally()) {
            return Optional.empty();
        }
        return Optional.of("controller did not start: " + raft.handle((node, error) -> error).join());
    }

    /** Raft runs and this node knows the current leader, so API calls get answers. */
    public boolean ready() {
        return !closing && running().map(node -> node.division().getInfo().getLeaderId() != null).orElse(false);
    }

    private Optional<RaftNode> running() {
        return raft.isDone() && !raft.isCompletedExceptionally() ? Optional.of(raft.join()) : Optional.empty();
    }

    /**
     * Registers this node's gauges: whether it leads, the Raft term, the last applied log index,
     * the metadata version it holds and how many brokers are alive in it. Before Raft runs they
     * read NaN.
     */
    public void bindMetrics(MeterRegistry registry) {
        gauge(registry, "sluice_controller_raft_leader", "1 while this node is the Raft leader, else 0",
                node -> node.division().getInfo().isLeader() ? 1 : 0);
        gauge(registry, "sluice_controller_raft_term", "Raft term this node is in",
                node -> node.division().getInfo().getCurrentTerm());
        gauge(registry, "sluice_controller_raft_applied_index", "Last Raft log index applied to the metadata",
                node -> node.division().getInfo().getLastAppliedIndex());
        gauge(registry, "sluice_controller_metadata_version", "Version of the metadata image this node holds",
                node -> node.stateMachine().journal().image().version());
        gauge(registry, "rocketmq_active_broker_num", "Brokers alive (heartbeating) in this node's metadata",
                node -> node.stateMachine().journal().image().brokers().values().stream()
                        .filter(BrokerImage::alive).count());
    }

    private void gauge(MeterRegistry registry, String name, String help, ToDoubleFunction<RaftNode> value) {
        Gauge.builder(name, this, server -> server.running().map(value::applyAsDouble).orElse(Double.NaN))
                .description(help).register(registry);
    }

    /** This node's applied image; after a {@link #write} of a group of one it holds that write. */
    public ClusterImage image() {
        return raft.join().stateMachine().journal().image();
    }

    /**
     * Appends a command from within this process, as a call to the API would (waiting for Raft
     * to start), but without the refusal of topic and group writes: this is how the process that
     * owns them mirrors them. Fails with the {@code StatusRuntimeException} an API caller would get.
     */
    public CompletableFuture<ChangeResponse> write(MetadataCommand command) {
        return raft.handle((node, error) -> error == null ? node.service().write(command)
                        : CompletableFuture.<ChangeResponse>failedFuture(Status.UNAVAILABLE
                                .withDescription("controller did not start: " + error).asRuntimeException()))
                .thenCompose(written -> written);
    }

    public void awaitTermination() throws InterruptedException {
        grpcServer.awaitTermination();
    }

    /** Stops the API, then Raft (waiting for a start still under way, so it never outlives this). */
    @Override
    public void close() throws IOException {
        closing = true;
        grpcServer.shutdownNow();
        try {
            grpcServer.awaitTermination(5, TimeUnit.SECONDS);
            raft.get().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException neverStarted) {
            // nothing of Raft runs; the start failure was reported when it happened
        }
        LOG.info("controller stopped");
    }
}
