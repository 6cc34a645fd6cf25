package dev.sluice.proxy.grpc;

import dev.sluice.broker.BrokerConfig;
import dev.sluice.broker.LocalBroker;
import dev.sluice.proto.rmq.v2.Address;
import dev.sluice.proto.rmq.v2.AddressScheme;
import dev.sluice.proto.rmq.v2.Endpoints;
import dev.sluice.proto.rmq.v2.MessagingServiceGrpc;
import dev.sluice.proto.rmq.v2.Resource;
import dev.sluice.proxy.ClientSessions;
import dev.sluice.proxy.ProxyConfig;
import dev.sluice.store.LogStore;
import dev.sluice.store.StoreConfig;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The MessagingService on a real store and broker, served in-process the way production serves
 * it (direct executor, header interceptor), with stubs that send the Java client's headers.
 */
final class ProxyHarness implements AutoCloseable {

    static final String CLIENT_ID = "test-host@4242@0@abc123";
    static final Endpoints ENDPOINTS = Endpoints.newBuilder()
            .setScheme(AddressScheme.IPv4)
            .addAddresses(Address.newBuilder().setHost("127.0.0.1").setPort(8081))
            .build();

    final LogStore store;
    final LocalBroker broker;
    final ClientSessions sessions = new ClientSessions();
    final ProxyConfig config = ProxyConfig.defaults();
    private final Server server;
    private final ManagedChannel channel;

    ProxyHarness(Path dataDir) throws IOException {
        this(dataDir, BrokerConfig.DEFAULT);
    }

    ProxyHarness(Path dataDir, BrokerConfig brokerConfig) throws IOException {
        store = LogStore.open(StoreConfig.defaults(dataDir));
        broker = new LocalBroker(store, brokerConfig);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(ServerInterceptors.intercept(new MessagingServiceImpl(broker, config, sessions),
                        new ClientHeadersInterceptor()))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    /** A stub that sends the headers of a Java 5.2.0 client. */
    MessagingServiceGrpc.MessagingServiceBlockingStub stub() {
        return MessagingServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(clientHeaders(CLIENT_ID)))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    /** A stub of a client that forgot its client id. */
    MessagingServiceGrpc.MessagingServiceBlockingStub anonymousStub() {
        return MessagingServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    MessagingServiceGrpc.MessagingServiceStub asyncStub(String clientId) {
        MessagingServiceGrpc.MessagingServiceStub stub = MessagingServiceGrpc.newStub(channel);
        return clientId == null ? stub
                : stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(clientHeaders(clientId)));
    }

    static Metadata clientHeaders(String clientId) {
        Metadata headers = new Metadata();
        headers.put(ClientHeadersInterceptor.CLIENT_ID, clientId);
        headers.put(ClientHeadersInterceptor.LANGUAGE, "JAVA");
        headers.put(ClientHeadersInterceptor.CLIENT_VERSION, "5.2.0");
        headers.put(ClientHeadersInterceptor.NAMESPACE, "");
        return headers;
    }

    static Resource resource(String name) {
        return Resource.newBuilder().setName(name).build();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
        broker.close();
        store.close();
    }
}
