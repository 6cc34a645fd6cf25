package dev.sluice.proxy.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.LocalBroker;
import dev.sluice.broker.TopicConfig;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.MessagingServiceGrpc;
import dev.sluice.proto.rmq.v2.QueryRouteRequest;
import dev.sluice.proto.rmq.v2.SendMessageResponse;
import dev.sluice.proxy.ClientSessions;
import dev.sluice.proxy.ProxyConfig;
import dev.sluice.store.LogStore;
import dev.sluice.store.MessageKind;
import dev.sluice.store.StoreConfig;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real Netty server on loopback: headers reach the handlers and large bodies reach validation. */
class GrpcServerTest {

    @TempDir
    Path dataDir;
    LogStore store;
    LocalBroker broker;
    GrpcServer server;
    ManagedChannel channel;
    MessagingServiceGrpc.MessagingServiceBlockingStub stub;

    @BeforeEach
    void start() throws Exception {
        store = LogStore.open(StoreConfig.defaults(dataDir));
        broker = new LocalBroker(store, BrokerConfig.DEFAULT);
        broker.createTopic(new TopicConfig("orders", MessageKind.NORMAL, 2));
        ProxyConfig config = ProxyConfig.defaults();
        server = GrpcServer.start("127.0.0.1", 0, config,
                List.of(new MessagingServiceImpl(broker, config, new ClientSessions())));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
        stub = MessagingServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(ProxyHarness.clientHeaders("netty-client")))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdown(Duration.ofSeconds(5));
        broker.close();
        store.close();
    }

    @Test
    void clientHeadersReachTheHandlers() {
        assertThat(stub.queryRoute(QueryRouteRequest.newBuilder()
                .setTopic(ProxyHarness.resource("orders")).setEndpoints(ProxyHarness.ENDPOINTS).build())
                .getStatus().getCode()).isEqualTo(Code.OK);
    }

    @Test
    void bodyOverTheLimitIsAnsweredInBandNotCutOffByTheTransport() {
        ByteString body = ByteString.copyFrom(new byte[4 * 1024 * 1024 + 1]);

        SendMessageResponse response = stub.sendMessage(
                TestMessages.request(TestMessages.normal("orders", "x").setBody(body)));

        assertThat(response.getStatus().getCode()).isEqualTo(Code.MESSAGE_BODY_TOO_LARGE);
    }
}
