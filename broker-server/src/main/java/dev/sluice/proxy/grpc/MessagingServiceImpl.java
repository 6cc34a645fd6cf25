package dev.sluice.proxy.grpc;

import dev.sluice.broker.Broker;
import dev.sluice.proto.rmq.v2.AckMessageRequest;
import dev.sluice.proto.rmq.v2.AckMessageResponse;
import dev.sluice.proto.rmq.v2.ChangeInvisibleDurationRequest;
import dev.sluice.proto.rmq.v2.ChangeInvisibleDurationResponse;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.EndTransactionRequest;
import dev.sluice.proto.rmq.v2.EndTransactionResponse;
import dev.sluice.proto.rmq.v2.ForwardMessageToDeadLetterQueueRequest;
import dev.sluice.proto.rmq.v2.ForwardMessageToDeadLetterQueueResponse;
import dev.sluice.proto.rmq.v2.HeartbeatRequest;
import dev.sluice.proto.rmq.v2.HeartbeatResponse;
import dev.sluice.proto.rmq.v2.MessagingServiceGrpc;
import dev.sluice.proto.rmq.v2.NotifyClientTerminationRequest;
import dev.sluice.proto.rmq.v2.NotifyClientTerminationResponse;
import dev.sluice.proto.rmq.v2.QueryAssignmentRequest;
import dev.sluice.proto.rmq.v2.QueryAssignmentResponse;
import dev.sluice.proto.rmq.v2.QueryRouteRequest;
import dev.sluice.proto.rmq.v2.QueryRouteResponse;
import dev.sluice.proto.rmq.v2.ReceiveMessageRequest;
import dev.sluice.proto.rmq.v2.ReceiveMessageResponse;
import dev.sluice.proto.rmq.v2.RecallMessageRequest;
import dev.sluice.proto.rmq.v2.RecallMessageResponse;
import dev.sluice.proto.rmq.v2.SendMessageRequest;
import dev.sluice.proto.rmq.v2.SendMessageResponse;
import dev.sluice.proto.rmq.v2.Status;
import dev.sluice.proto.rmq.v2.TelemetryCommand;
import dev.sluice.proxy.ClientSessions;
import dev.sluice.proxy.ProxyConfig;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The RocketMQ v2 {@code MessagingService}. Each RPC checks the client id and delegates to an
 * activity; every unary call is answered with gRPC OK and an in-band status, whatever goes wrong
 * (the clients read {@code response.status}). PullMessage, UpdateOffset, GetOffset, QueryOffset
 * and SyncLiteSubscription stay UNIMPLEMENTED like in the reference proxy: no official client
 * sends them to a proxy.
 */
public final class MessagingServiceImpl extends MessagingServiceGrpc.MessagingServiceImplBase {

    static final Status CLIENT_ID_REQUIRED =
            StatusMapper.status(Code.CLIENT_ID_REQUIRED, "the x-mq-client-id header is required");

    private final RouteActivity routes;
    private final SendActivity sends;
    private final ReceiveActivity receives;
    private final AckActivity acks;
    private final ClientActivity clients;
    private final TransactionActivity transactions;

    /** Also makes this service the broker's way to reach producers for transaction checks. */
    public MessagingServiceImpl(Broker broker, ProxyConfig config, ClientSessions sessions) {
        MessageConverter converter = new MessageConverter(config.brokerName());
        ProducerStreams producers = new ProducerStreams(converter);
        broker.setTransactionChecker(producers);
        this.routes = new RouteActivity(broker, config);
        this.sends = new SendActivity(broker, config, converter);
        this.receives = new ReceiveActivity(broker, config, converter);
        this.acks = new AckActivity(broker);
        this.clients = new ClientActivity(broker, sessions, config, producers);
        this.transactions = new TransactionActivity(broker);
    }

    @Override
    public void queryRoute(QueryRouteRequest request, StreamObserver<QueryRouteResponse> out) {
        unary(out, s -> QueryRouteResponse.newBuilder().setStatus(s).build(),
                client -> done(routes.queryRoute(request)));
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
        unary(out, s -> HeartbeatResponse.newBuilder().setStatus(s).build(),
                client -> done(clients.heartbeat()));
    }

    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> out) {
        unary(out, s -> SendActivity.refused(request, s), client -> sends.send(request, client));
    }

    @Override
    public void queryAssignment(QueryAssignmentRequest request, StreamObserver<QueryAssignmentResponse> out) {
        unary(out, s -> QueryAssignmentResponse.newBuilder().setStatus(s).build(),
                client -> done(routes.queryAssignment(request)));
    }

    @Override
    public void receiveMessage(ReceiveMessageRequest request, StreamObserver<ReceiveMessageResponse> out) {
        ServerCallStreamObserver<ReceiveMessageResponse> stream = (ServerCallStreamObserver<ReceiveMessageResponse>) out;
        ClientMetadata client = ClientMetadata.current();
        if (!client.hasClientId()) {
            stream.onNext(ReceiveMessageResponse.newBuilder().setStatus(CLIENT_ID_REQUIRED).build());
            stream.onCompleted();
            return;
        }
        receives.receive(request, client, stream);
    }

    @Override
    public void ackMessage(AckMessageRequest request, StreamObserver<AckMessageResponse> out) {
        unary(out, s -> AckMessageResponse.newBuilder().setStatus(s).build(), client -> acks.ack(request));
    }

    @Override
    public void changeInvisibleDuration(ChangeInvisibleDurationRequest request,
                                        StreamObserver<ChangeInvisibleDurationResponse> out) {
        unary(out, s -> AckActivity.changeRefused(request, s), client -> done(acks.changeInvisibleDuration(request)));
    }

    @Override
    public StreamObserver<TelemetryCommand> telemetry(StreamObserver<TelemetryCommand> out) {
        return clients.telemetry(ClientMetadata.current(), out);
    }

    @Override
    public void notifyClientTermination(NotifyClientTerminationRequest request,
                                        StreamObserver<NotifyClientTerminationResponse> out) {
        unary(out, s -> NotifyClientTerminationResponse.newBuilder().setStatus(s).build(),
                client -> done(clients.terminate(client)));
    }

    @Override
    public void forwardMessageToDeadLetterQueue(ForwardMessageToDeadLetterQueueRequest request,
                                                StreamObserver<ForwardMessageToDeadLetterQueueResponse> out) {
        unary(out, s -> ForwardMessageToDeadLetterQueueResponse.newBuilder().setStatus(s).build(),
                client -> acks.forwardToDeadLetter(request));
    }

    @Override
    public void endTransaction(EndTransactionRequest request, StreamObserver<EndTransactionResponse> out) {
        unary(out, s -> EndTransactionResponse.newBuilder().setStatus(s).build(),
                client -> transactions.end(request));
    }

    @Override
    public void recallMessage(RecallMessageRequest request, StreamObserver<RecallMessageResponse> out) {
        unary(out, s -> RecallMessageResponse.newBuilder().setStatus(s).build(),
                client -> sends.recall(request));
    }

    /**
     * Runs {@code handler} and answers exactly once: with its response, or with
     * {@code refusal(status)} when the client id is missing or the handler fails (thrown or
     * through the future).
     */
    private static <R> void unary(StreamObserver<R> out, Function<Status, R> refusal,
                                  Function<ClientMetadata, CompletionStage<R>> handler) {
        ClientMetadata client = ClientMetadata.current();
        if (!client.hasClientId()) {
            reply(out, refusal.apply(CLIENT_ID_REQUIRED));
            return;
        }
        CompletionStage<R> response;
        try {
            response = handler.apply(client);
        } catch (RuntimeException e) {
            reply(out, refusal.apply(StatusMapper.of(e)));
            return;
        }
        response.whenComplete((value, failure) ->
                reply(out, failure == null ? value : refusal.apply(StatusMapper.of(failure))));
    }

    private static <R> void reply(StreamObserver<R> out, R response) {
        out.onNext(response);
        out.onCompleted();
    }

    private static <R> CompletionStage<R> done(R response) {
        return CompletableFuture.completedFuture(response);
    }
}
