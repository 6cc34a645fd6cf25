package dev.sluice.proxy.grpc;

import dev.sluice.proto.rmq.v2.Code;

/**
 * A request refused for a reason that only exists in the RocketMQ protocol (missing message id,
 * polling time, unsupported feature); broker refusals stay {@link dev.sluice.broker.BrokerException}s.
 */
final class ProtocolException extends RuntimeException {

    private final Code code;

    ProtocolException(Code code, String message) {
        super(message);
        this.code = code;
    }

    Code code() {
        return code;
    }
}
