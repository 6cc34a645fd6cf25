package dev.sluice.proxy.grpc;

import io.grpc.Context;

/**
 * The request headers RocketMQ clients send on every call (protocol §5.3). Only the client id is
 * required; the rest is informational and kept as sent (an unknown language is fine).
 *
 * @param clientId   {@code x-mq-client-id}; empty when missing
 * @param peerHost   the caller's address as the transport saw it; fallback for {@code born_host}
 */
public record ClientMetadata(
        String clientId,
        String namespace,
        String language,
        String clientVersion,
        String requestId,
        String peerHost) {

    static final Context.Key<ClientMetadata> CONTEXT_KEY = Context.key("sluice-client-metadata");

    private static final ClientMetadata NONE = new ClientMetadata("", "", "", "", "", "");

    /** The metadata of the call running on this thread; all fields empty outside an intercepted call. */
    public static ClientMetadata current() {
        ClientMetadata metadata = CONTEXT_KEY.get();
        return metadata == null ? NONE : metadata;
    }

    public boolean hasClientId() {
        return !clientId.isBlank();
    }
}
