package dev.sluice.proxy.grpc;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.Status;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become protocol status codes. Client mistakes are logged at
 * debug; anything the server did wrong is logged as an error here, so callers only answer.
 */
public final class StatusMapper {

    private static final Logger log = LoggerFactory.getLogger(StatusMapper.class);
    private static final Status OK = status(Code.OK, "OK");

    private StatusMapper() {
    }

    public static Status ok() {
        return OK;
    }

    public static Status status(Code code, String message) {
        return Status.newBuilder().setCode(code).setMessage(message == null ? "" : message).build();
    }

    /** The status a client gets for {@code failure}, unwrapping future wrappers first. */
    public static Status of(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ProtocolException e) {
            log.debug("refused: {} {}", e.code(), e.getMessage());
            return status(e.code(), e.getMessage());
        }
        if (cause instanceof BrokerException e) {
            Code code = code(e.error());
            if (code == Code.INTERNAL_SERVER_ERROR) {
                log.error("broker failed: {}", e.getMessage(), e);
            } else {
                log.debug("refused: {} {}", code, e.getMessage());
            }
            return status(code, e.getMessage());
        }
        log.error("unexpected failure answering a client call", cause);
        return status(Code.INTERNAL_SERVER_ERROR, "internal error: " + cause);
    }

    public static Code code(BrokerError error) {
        return switch (error) {
            case ILLEGAL_ARGUMENT, TOPIC_EXISTS, GROUP_EXISTS -> Code.BAD_REQUEST;
            case ILLEGAL_TOPIC -> Code.ILLEGAL_TOPIC;
            case ILLEGAL_GROUP -> Code.ILLEGAL_CONSUMER_GROUP;
            case ILLEGAL_TAG -> Code.ILLEGAL_MESSAGE_TAG;
            case ILLEGAL_KEY -> Code.ILLEGAL_MESSAGE_KEY;
            case ILLEGAL_MESSAGE_GROUP -> Code.ILLEGAL_MESSAGE_GROUP;
            case ILLEGAL_PROPERTY_KEY -> Code.ILLEGAL_MESSAGE_PROPERTY_KEY;
            case PROPERTIES_TOO_LARGE -> Code.MESSAGE_PROPERTIES_TOO_LARGE;
            case BODY_EMPTY -> Code.MESSAGE_BODY_EMPTY;
            case BODY_TOO_LARGE -> Code.MESSAGE_BODY_TOO_LARGE;
            case ILLEGAL_FILTER_EXPRESSION -> Code.ILLEGAL_FILTER_EXPRESSION;
            case ILLEGAL_INVISIBLE_TIME -> Code.ILLEGAL_INVISIBLE_TIME;
            case TOPIC_NOT_FOUND -> Code.TOPIC_NOT_FOUND;
            case GROUP_NOT_FOUND -> Code.CONSUMER_GROUP_NOT_FOUND;
            case MESSAGE_TYPE_MISMATCH -> Code.MESSAGE_PROPERTY_CONFLICT_WITH_TYPE;
            case INVALID_RECEIPT_HANDLE -> Code.INVALID_RECEIPT_HANDLE;
            case MESSAGE_NOT_FOUND -> Code.MESSAGE_NOT_FOUND;
            case ILLEGAL_DELIVERY_TIME -> Code.ILLEGAL_DELIVERY_TIME;
            case INVALID_TRANSACTION_ID -> Code.INVALID_TRANSACTION_ID;
            // the only code that makes a producer back off instead of retrying at once
            case BUSY -> Code.TOO_MANY_REQUESTS;
            case INTERNAL -> Code.INTERNAL_SERVER_ERROR;
        };
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
