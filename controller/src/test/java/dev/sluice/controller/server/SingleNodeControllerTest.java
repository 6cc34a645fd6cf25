package dev.sluice.controller.server;

import dev.sluice.controller.client.ControllerClient;
import dev.sluice.controller.image.ClusterImage;
import dev.sluice.controller.image.ImageCodec;
import dev.sluice.proto.controller.v1.ChangeResponse;
import dev.sluice.proto.controller.v1.ClusterStatus;
import dev.sluice.proto.controller.v1.ConsumerGroup;
import dev.sluice.proto.controller.v1.ControllerServiceGrpc;
import dev.sluice.proto.controller.v1.CreateTopicRequest;
import dev.sluice.proto.controller.v1.CustomizedBackoff;
import dev.sluice.proto.controller.v1.MessageType;
import dev.sluice.proto.controller.v1.MetadataCommand;
import dev.sluice.proto.controller.v1.RetryPolicy;
import dev.sluice.proto.controller.v1.Topic;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A one-node Raft group (the standalone shape) driven through the real gRPC API. */
class SingleNodeControllerTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldRefuseBadRequestsBeforeTheyReachTheLog() throws IOException {
        ControllerConfig config = config(freePort(), freePort(), 1_000);
        try (ControllerServer server = ControllerServer.start(config); ControllerClient client = client(server)) {
            awaitLeader(client);
            assertThatThrownBy(() -> client.createTopic("t", 4, MessageType.NORMAL))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .isEqualTo(Status.Code.FAILED_PRECONDITION));
            assertThatThrownBy(() -> client.registerBroker("b 1", "g0", List.of("127.0.0.1:1")))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .isEqualTo(Status.Code.INVALID_ARGUMENT));
            assertThat(client.metadata().getVersion()).isZero();
        }
    }

    @Test
    void shouldRestoreTheSameImageFromSnapshotPlusLogTail() throws IOException {
        int raftPort = freePort();
        int apiPort = freePort();
        ClusterImage before;
        try (ControllerServer server = ControllerServer.start(config(raftPort, apiPort, 20));
             ControllerClient client = client(server)) {
            awaitLeader(client);
            client.registerBroker("b0", "g0", List.of("127.0.0.1:10911"));
            client.registerBroker("b1", "g1", List.of("127.0.0.1:10921"));
            for (int i = 0; i < 60; i++) {
                client.createTopic("topic-" + i, 3, MessageType.FIFO);
            }
            client.createConsumerGroup(ConsumerGroup.newBuilder().setName("cg").setFifo(true)
                    .setMaxDeliveryAttempts(5).setRetryPolicy(RetryPolicy.newBuilder().setCustomized(
                            CustomizedBackoff.newBuilder().addBackoffMs(100).addBackoffMs(1000))).build());
            assertThat(client.takeSnapshot()).isPositive();
            client.deleteTopic("topic-0");
            before = server.image();
        }
        assertThat(snapshotFiles()).as("snapshots taken automatically and on demand").isNotEmpty();

        try (ControllerServer server = ControllerServer.start(config(raftPort, apiPort, 20));
             ControllerClient client = client(server)) {
            // the snapshot at once; the log tail once the node, leading again, knows it is committed
            awaitLeader(client);
            assertThat(ImageCodec.fromProto(client.metadata())).isEqualTo(before);
            assertThat(server.image()).isEqualTo(before);
        }
    }

    @Test
    void shouldAnswerARepeatedRequestIdWithTheFirstOutcomeAlsoAfterARestart() throws IOException {
        int raftPort = freePort();
        int apiPort = freePort();
        ChangeResponse first;
        try (ControllerServer server = ControllerServer.start(config(raftPort, apiPort, 5));
             ControllerClient client = client(server)) {
            awaitLeader(client);
            client.registerBroker("b0", "g0", List.of("127.0.0.1:10911"));
            first = createTopicAs(server, "request-1", "orders");
            assertThat(createTopicAs(server, "request-1", "orders")).isEqualTo(first);
            assertThatThrownBy(() -> createTopicAs(server, "request-2", "orders"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode())
                            .isEqualTo(Status.Code.ALREADY_EXISTS));
            for (int i = 0; i < 10; i++) {
                client.heartbeat("b0"); // past the snapshot threshold: the outcome must be in the snapshot
            }
            assertThat(snapshotFiles()).isNotEmpty();
        }
        try (ControllerServer server = ControllerServer.start(config(raftPort, apiPort, 5));
             ControllerClient client = client(server)) {
            awaitLeader(client);
            long version = client.metadata().getVersion();
            assertThat(createTopicAs(server, "request-1", "orders")).isEqualTo(first);
            assertThat(client.metadata().getVersion()).as("a repeat changes nothing").isEqualTo(version);
        }
    }

    @Test
    void shouldLeaveTopicsAndGroupsOfAnEmbeddedControllerToItsProcess() throws IOException {
        try (ControllerServer server = ControllerServer.start(
                ControllerConfig.embedded("standalone", dataDir, "127.0.0.1", 0));
             ControllerClient client = client(server)) {
            ClusterStatus status = client.clusterStatus();
            assertThat(status.getNodesList()).singleElement().satisfies(node ->
                    assertThat(node.getRaftAddress()).as("the Raft port it bound, not 0").doesNotEndWith(":0"));
            client.registerBroker("standalone", "standalone", List.of("127.0.0.1:8081"));

            assertThatThrownBy(() -> client.createTopic("orders", 2, MessageType.NORMAL))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                        assertThat(e.getStatus().getDescription()).contains("sluice admin --server");
                    });
            server.write(MetadataCommand.newBuilder().setCreateTopic(CreateTopicRequest.newBuilder().setName("orders")
                    .setQueueCount(2).setMessageType(MessageType.NORMAL)).build()).join();
            assertThat(client.metadata().getTopicsList()).extracting(Topic::getName).containsExactly("orders");
            assertThatThrownBy(() -> client.deleteTopic("orders")).isInstanceOf(StatusRuntimeException.class);
        }
    }

    /** Creates a topic through the API with an explicit request id, as a retrying client would. */
    private static ChangeResponse createTopicAs(ControllerServer server, String requestId, String topic) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        try {
            Metadata headers = new Metadata();
            headers.put(ControllerClient.REQUEST_ID_HEADER, requestId);
            return ControllerServiceGrpc.newBlockingStub(channel)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createTopic(CreateTopicRequest.newBuilder().setName(topic).setQueueCount(2)
                            .setMessageType(MessageType.NORMAL).build());
        } finally {
            channel.shutdownNow();
        }
    }

    private ControllerConfig config(int raftPort, int apiPort, long snapshotThreshold) {
        return new ControllerConfig("c1", List.of(new ControllerConfig.Peer("c1", "127.0.0.1", raftPort)),
                dataDir, "127.0.0.1", apiPort, Duration.ofSeconds(10), false, snapshotThreshold, false);
    }

    private List<Path> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("snapshot.")).toList();
        }
    }

    private static ControllerClient client(ControllerServer server) {
        return ControllerClient.connect(List.of("127.0.0.1:" + server.grpcPort()), Duration.ofSeconds(10));
    }

    private static void awaitLeader(ControllerClient client) {
        await().atMost(Duration.ofSeconds(15)).until(() -> !client.clusterStatus().getRaftLeader().isEmpty());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
