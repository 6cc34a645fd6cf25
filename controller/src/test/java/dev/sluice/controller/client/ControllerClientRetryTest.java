package dev.sluice.controller.client;

import dev.sluice.controller.server.ControllerConfig;
import dev.sluice.controller.server.ControllerServer;
import dev.sluice.proto.controller.v1.ChangeResponse;
import dev.sluice.proto.controller.v1.ControllerServiceGrpc;
import dev.sluice.proto.controller.v1.CreateTopicRequest;
import dev.sluice.proto.controller.v1.MessageType;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A write whose reply is lost after it was applied: the client retries on another node with the
 * same request id and gets the first outcome, instead of ALREADY_EXISTS or a second application.
 */
class ControllerClientRetryTest {

    private static final Context.Key<String> REQUEST_ID = Context.key("request-id");

    @TempDir
    Path dataDir;

    @Test
    void shouldAnswerARetryOfAnAppliedWriteWithItsFirstOutcome() throws IOException {
        ControllerConfig config = new ControllerConfig("c1",
                List.of(new ControllerConfig.Peer("c1", "127.0.0.1", 0)), dataDir, "127.0.0.1", 0,
                ControllerConfig.DEFAULT_HEARTBEAT_TIMEOUT, false, ControllerConfig.DEFAULT_SNAPSHOT_THRESHOLD, false);
        try (ControllerServer controller = ControllerServer.start(config);
             LossyNode lossy = new LossyNode(controller.grpcPort());
             ControllerClient direct = ControllerClient.connect(List.of("127.0.0.1:" + controller.grpcPort()),
                     Duration.ofSeconds(20));
             ControllerClient client = ControllerClient.connect(
                     List.of("127.0.0.1:" + lossy.port(), "127.0.0.1:" + controller.grpcPort()),
                     Duration.ofSeconds(20))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> !direct.clusterStatus().getRaftLeader().isEmpty());
            direct.registerBroker("b0", "g0", List.of("127.0.0.1:10911"));
            long before = direct.metadata().getVersion();

            ChangeResponse created = client.createTopic("orders", 4, MessageType.NORMAL);

            assertThat(lossy.lostReplies()).as("the first attempt was applied, its reply lost").hasValue(1);
            assertThat(created.getTopic().getName()).isEqualTo("orders");
            assertThat(created.getVersion()).isEqualTo(before + 1);
            assertThat(direct.metadata().getVersion()).as("applied once").isEqualTo(before + 1);
            assertThatThrownBy(() -> client.createTopic("orders", 4, MessageType.NORMAL))
                    .as("a new call is a new request")
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS));
        }
    }

    /** A controller node that forwards CreateTopic, then answers UNAVAILABLE as if the reply was lost. */
    private static final class LossyNode extends ControllerServiceGrpc.ControllerServiceImplBase
            implements AutoCloseable {

        private final ManagedChannel upstream;
        private final Server server;
        private final AtomicInteger lostReplies = new AtomicInteger();

        LossyNode(int upstreamPort) throws IOException {
            upstream = NettyChannelBuilder.forAddress("127.0.0.1", upstreamPort).usePlaintext().build();
            ServerInterceptor keepRequestId = new ServerInterceptor() {
                @Override
                public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
                        Metadata headers, io.grpc.ServerCallHandler<Q, R> next) {
                    Context context = Context.current()
                            .withValue(REQUEST_ID, headers.get(ControllerClient.REQUEST_ID_HEADER));
                    return Contexts.interceptCall(context, call, headers, next);
                }
            };
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                    .addService(ServerInterceptors.intercept(this, keepRequestId)).build().start();
        }

        int port() {
            return server.getPort();
        }

        AtomicInteger lostReplies() {
            return lostReplies;
        }

        @Override
        public void createTopic(CreateTopicRequest request, StreamObserver<ChangeResponse> out) {
            Metadata headers = new Metadata();
            headers.put(ControllerClient.REQUEST_ID_HEADER, REQUEST_ID.get());
            ControllerServiceGrpc.newBlockingStub(upstream)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createTopic(request);
            lostReplies.incrementAndGet();
            out.onError(Status.UNAVAILABLE.withDescription("reply lost").asRuntimeException());
        }

        @Override
        public void close() throws IOException {
            server.shutdownNow();
            upstream.shutdownNow();
        }
    }
}
