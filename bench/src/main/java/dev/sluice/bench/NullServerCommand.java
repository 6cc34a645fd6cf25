package dev.sluice.bench;

import dev.sluice.proto.rmq.v2.Broker;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.ExponentialBackoff;
import dev.sluice.proto.rmq.v2.HeartbeatRequest;
import dev.sluice.proto.rmq.v2.HeartbeatResponse;
import dev.sluice.proto.rmq.v2.Message;
import dev.sluice.proto.rmq.v2.MessageQueue;
import dev.sluice.proto.rmq.v2.MessageType;
import dev.sluice.proto.rmq.v2.MessagingServiceGrpc;
import dev.sluice.proto.rmq.v2.Metric;
import dev.sluice.proto.rmq.v2.NotifyClientTerminationRequest;
import dev.sluice.proto.rmq.v2.NotifyClientTerminationResponse;
import dev.sluice.proto.rmq.v2.Permission;
import dev.sluice.proto.rmq.v2.Publishing;
import dev.sluice.proto.rmq.v2.QueryRouteRequest;
import dev.sluice.proto.rmq.v2.QueryRouteResponse;
import dev.sluice.proto.rmq.v2.RetryPolicy;
import dev.sluice.proto.rmq.v2.SendMessageRequest;
import dev.sluice.proto.rmq.v2.SendMessageResponse;
import dev.sluice.proto.rmq.v2.SendResultEntry;
import dev.sluice.proto.rmq.v2.Settings;
import dev.sluice.proto.rmq.v2.Status;
import dev.sluice.proto.rmq.v2.TelemetryCommand;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A RocketMQ 5 endpoint that answers producers and stores nothing. Sending to it measures what
 * the client and the box cost on their own, so a broker's figure can be read as "broker cost on
 * top of that ceiling" (PERFORMANCE.md). It runs its handlers on the transport threads, like
 * Sluice does, so the comparison is not skewed by a thread hop only one side pays.
 */
@Command(name = "null-server", mixinStandardHelpOptions = true,
        description = "Serve SendMessage with OK and store nothing: the client's ceiling on this box "
                + "(use with produce --no-admin --topic ANY).")
public final class NullServerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "0", description = "Port on 127.0.0.1 (0: any free port)")
    int port;

    @Option(names = "--queues", defaultValue = "8", description = "Queues in every topic's route (default: ${DEFAULT-VALUE})")
    int queues;

    @Override
    public Integer call() throws Exception {
        Server server = start(port, queues);
        System.out.println("NULL_SERVER_READY port=" + server.getPort());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        server.awaitTermination();
        return 0;
    }

    static Server start(int port, int queues) throws IOException {
        if (queues < 1) {
            throw new IllegalArgumentException("--queues must be at least 1");
        }
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .directExecutor()
                .addService(new NullMessagingService(queues))
                .build()
                .start();
    }

    private static final class NullMessagingService extends MessagingServiceGrpc.MessagingServiceImplBase {

        private static final Status OK = Status.newBuilder().setCode(Code.OK).setMessage("OK").build();

        private final int queues;
        private final AtomicLong offset = new AtomicLong();

        NullMessagingService(int queues) {
            this.queues = queues;
        }

        @Override
        public void queryRoute(QueryRouteRequest request, StreamObserver<QueryRouteResponse> out) {
            QueryRouteResponse.Builder route = QueryRouteResponse.newBuilder().setStatus(OK);
            for (int id = 0; id < queues; id++) {
                route.addMessageQueues(MessageQueue.newBuilder()
                        .setTopic(request.getTopic())
                        .setId(id)
                        .setPermission(Permission.READ_WRITE)
                        .setBroker(Broker.newBuilder().setName("null").setEndpoints(request.getEndpoints()))
                        .addAcceptMessageTypes(MessageType.NORMAL));
            }
            out.onNext(route.build());
            out.onCompleted();
        }

        @Override
        public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
            out.onNext(HeartbeatResponse.newBuilder().setStatus(OK).build());
            out.onCompleted();
        }

        @Override
        public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> out) {
            SendMessageResponse.Builder response = SendMessageResponse.newBuilder().setStatus(OK);
            for (Message message : request.getMessagesList()) {
                response.addEntries(SendResultEntry.newBuilder()
                        .setStatus(OK)
                        .setMessageId(message.getSystemProperties().getMessageId())
                        .setOffset(offset.getAndIncrement()));
            }
            out.onNext(response.build());
            out.onCompleted();
        }

        @Override
        public void notifyClientTermination(NotifyClientTerminationRequest request,
                                            StreamObserver<NotifyClientTerminationResponse> out) {
            out.onNext(NotifyClientTerminationResponse.newBuilder().setStatus(OK).build());
            out.onCompleted();
        }

        @Override
        public StreamObserver<TelemetryCommand> telemetry(StreamObserver<TelemetryCommand> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(TelemetryCommand command) {
                    if (command.hasSettings()) {
                        out.onNext(TelemetryCommand.newBuilder().setStatus(OK)
                                .setSettings(producerSettings(command.getSettings())).build());
                    }
                }

                @Override
                public void onError(Throwable t) {
                    // the client went away; nothing is kept per stream
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }

        /** The fields a producer refuses to start without (see Sluice's SettingsComposer). */
        private static Settings producerSettings(Settings client) {
            return client.toBuilder()
                    .setMetric(Metric.newBuilder().setOn(false))
                    .setBackoffPolicy(RetryPolicy.newBuilder().setMaxAttempts(3)
                            .setExponentialBackoff(ExponentialBackoff.newBuilder()
                                    .setInitial(com.google.protobuf.Duration.newBuilder().setNanos(10_000_000))
                                    .setMax(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                                    .setMultiplier(2)))
                    .setPublishing(Publishing.newBuilder(client.getPublishing()).setMaxBodySize(4 << 20))
                    .build();
        }
    }
}
