package dev.sluice.proxy.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Reads the RocketMQ request headers into {@link ClientMetadata} and attaches it to the call's
 * {@link Context}, so handlers need no access to raw {@link Metadata}. Rejects nothing: a missing
 * client id is answered in-band by each RPC with CLIENT_ID_REQUIRED.
 */
public final class ClientHeadersInterceptor implements ServerInterceptor {

    static final Metadata.Key<String> CLIENT_ID = header("x-mq-client-id");
    static final Metadata.Key<String> NAMESPACE = header("x-mq-namespace");
    static final Metadata.Key<String> LANGUAGE = header("x-mq-language");
    static final Metadata.Key<String> CLIENT_VERSION = header("x-mq-client-version");
    static final Metadata.Key<String> REQUEST_ID = header("x-mq-request-id");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        ClientMetadata metadata = new ClientMetadata(
                value(headers, CLIENT_ID),
                value(headers, NAMESPACE),
                value(headers, LANGUAGE),
                value(headers, CLIENT_VERSION),
                value(headers, REQUEST_ID),
                peerHost(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
        Context context = Context.current().withValue(ClientMetadata.CONTEXT_KEY, metadata);
        return Contexts.interceptCall(context, call, headers, next);
    }

    private static Metadata.Key<String> header(String name) {
        return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    private static String value(Metadata headers, Metadata.Key<String> key) {
        String value = headers.get(key);
        return value == null ? "" : value.trim();
    }

    private static String peerHost(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString();
        }
        return address == null ? "" : address.toString();
    }
}
