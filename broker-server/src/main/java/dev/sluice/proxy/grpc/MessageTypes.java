package dev.sluice.proxy.grpc;

import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.MessageType;
import dev.sluice.proto.rmq.v2.SystemProperties;
import dev.sluice.store.MessageKind;

/** Mapping between the wire's message types and the store's message kinds. */
final class MessageTypes {

    private MessageTypes() {
    }

    static MessageType type(MessageKind kind) {
        return switch (kind) {
            case NORMAL -> MessageType.NORMAL;
            case FIFO -> MessageType.FIFO;
            case DELAY -> MessageType.DELAY;
            case TRANSACTION -> MessageType.TRANSACTION;
        };
    }

    /**
     * The kind a sent message asks for. Clients that leave the type unspecified get it derived
     * the way the Java client does: a message group means FIFO, a delivery time means DELAY.
     */
    static MessageKind kind(SystemProperties system) {
        return switch (system.getMessageType()) {
            case NORMAL -> MessageKind.NORMAL;
            case FIFO -> MessageKind.FIFO;
            case DELAY -> MessageKind.DELAY;
            case TRANSACTION -> MessageKind.TRANSACTION;
            case MESSAGE_TYPE_UNSPECIFIED -> system.hasMessageGroup() ? MessageKind.FIFO
                    : system.hasDeliveryTimestamp() ? MessageKind.DELAY : MessageKind.NORMAL;
            case LITE, PRIORITY, UNRECOGNIZED -> throw new ProtocolException(Code.UNSUPPORTED,
                    "message type " + system.getMessageType() + " is not supported");
        };
    }
}
