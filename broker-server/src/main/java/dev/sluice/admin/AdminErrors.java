package dev.sluice.admin;

import dev.sluice.broker.BrokerException;
import io.grpc.Status;

/** The gRPC status the admin API answers a refused broker operation with. */
final class AdminErrors {

    private AdminErrors() {
    }

    static Status toStatus(BrokerException e) {
        Status status = switch (e.error()) {
            case ILLEGAL_ARGUMENT, ILLEGAL_TOPIC, ILLEGAL_GROUP, ILLEGAL_TAG, ILLEGAL_KEY, ILLEGAL_MESSAGE_GROUP,
                    ILLEGAL_PROPERTY_KEY, ILLEGAL_FILTER_EXPRESSION, ILLEGAL_INVISIBLE_TIME, ILLEGAL_DELIVERY_TIME,
                    INVALID_TRANSACTION_ID -> Status.INVALID_ARGUMENT;
            case TOPIC_NOT_FOUND, GROUP_NOT_FOUND, MESSAGE_NOT_FOUND -> Status.NOT_FOUND;
            case TOPIC_EXISTS, GROUP_EXISTS -> Status.ALREADY_EXISTS;
            case BUSY -> Status.UNAVAILABLE;
            case PROPERTIES_TOO_LARGE, BODY_EMPTY, BODY_TOO_LARGE, MESSAGE_TYPE_MISMATCH, INVALID_RECEIPT_HANDLE,
                    INTERNAL -> Status.INTERNAL;
        };
        return status.withDescription(e.getMessage());
    }
}
