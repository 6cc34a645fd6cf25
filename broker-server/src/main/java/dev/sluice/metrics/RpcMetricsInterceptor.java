package dev.sluice.metrics;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.sluice.proto.rmq.v2.ReceiveMessageRequest;
import dev.sluice.proto.rmq.v2.ReceiveMessageResponse;
import dev.sluice.proto.rmq.v2.SendMessageRequest;
import dev.sluice.proto.rmq.v2.SendMessageResponse;
import dev.sluice.proto.rmq.v2.SendResultEntry;
import dev.sluice.proto.rmq.v2.Status;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Measures every RocketMQ RPC as Apache RocketMQ names it: {@code rocketmq_rpc_latency} by RPC and
 * by the in-band response code (the protocol answers gRPC OK and puts its own code in
 * {@code status}), and the message and byte counts in and out per topic. Telemetry is a
 * session, not a call, so it is not timed.
 */
public final class RpcMetricsInterceptor implements ServerInterceptor {

    private static final String TELEMETRY = "Telemetry";

    private final TrafficMeters meters;

    public RpcMetricsInterceptor(TrafficMeters meters) {
        this.meters = meters;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                       ServerCallHandler<Q, A> next) {
        String rpc = call.getMethodDescriptor().getBareMethodName();
        if (TELEMETRY.equals(rpc)) {
            return next.startCall(call, headers);
        }
        MeasuredCall<Q, A> measured = new MeasuredCall<>(call, rpc, System.nanoTime());
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(measured, headers)) {
            @Override
            public void onMessage(Q message) {
                measured.request = message;
                super.onMessage(message);
            }
        };
    }

    private final class MeasuredCall<Q, A> extends ForwardingServerCall.SimpleForwardingServerCall<Q, A> {
        private final String rpc;
        private final long start;
        private volatile Object request;
        private String responseCode;

        MeasuredCall(ServerCall<Q, A> delegate, String rpc, long start) {
            super(delegate);
            this.rpc = rpc;
            this.start = start;
        }

        @Override
        public void sendMessage(A message) {
            if (responseCode == null && message instanceof Message m) {
                responseCode = inBandCode(m);
            }
            if (message instanceof SendMessageResponse sent && request instanceof SendMessageRequest sendRequest) {
                countIn(sendRequest, sent);
            } else if (message instanceof ReceiveMessageResponse received && received.hasMessage()
                    && request instanceof ReceiveMessageRequest receive) {
                meters.messageOut(received.getMessage().getTopic().getName(), receive.getGroup().getName(),
                        received.getMessage().getBody().size());
            }
            super.sendMessage(message);
        }

        @Override
        public void close(io.grpc.Status status, Metadata trailers) {
            String code = status.isOk() && responseCode != null ? responseCode : "GRPC_" + status.getCode().name();
            meters.rpc(rpc, code, System.nanoTime() - start);
            super.close(status, trailers);
        }
    }

    private void countIn(SendMessageRequest request, SendMessageResponse response) {
        int n = Math.min(request.getMessagesCount(), response.getEntriesCount());
        for (int i = 0; i < n; i++) {
            SendResultEntry entry = response.getEntries(i);
            if (entry.getStatus().getCode() == dev.sluice.proto.rmq.v2.Code.OK) {
                dev.sluice.proto.rmq.v2.Message message = request.getMessages(i);
                meters.messageIn(message.getTopic().getName(), message.getSystemProperties().getMessageType().name(),
                        message.getBody().size());
            }
        }
    }

    private static String inBandCode(Message response) {
        FieldDescriptor field = response.getDescriptorForType().findFieldByName("status");
        if (field == null || !response.hasField(field) || !(response.getField(field) instanceof Status status)) {
            return null;
        }
        return status.getCode().name();
    }
}
