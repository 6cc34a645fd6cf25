package dev.sluice.controller.server;

import dev.sluice.controller.client.ControllerClient;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/** Puts a call's {@code sluice-request-id} header into its gRPC context, where the service reads it. */
final class RequestIdInterceptor implements ServerInterceptor {

    static final Context.Key<String> REQUEST_ID = Context.key("sluice-request-id");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        String requestId = headers.get(ControllerClient.REQUEST_ID_HEADER);
        if (requestId == null) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(REQUEST_ID, requestId), call, headers, next);
    }

    /** The current call's request id, or empty. */
    static String current() {
        String requestId = REQUEST_ID.get();
        return requestId == null ? "" : requestId;
    }
}
