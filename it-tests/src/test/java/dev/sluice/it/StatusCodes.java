package dev.sluice.it;

/**
 * The RocketMQ v2 status codes these tests expect (apache.rocketmq.v2.Code). Kept here as
 * numbers because that is all the official client exposes, inside its exception messages.
 */
final class StatusCodes {

    static final int ILLEGAL_MESSAGE_TAG = 40004;
    static final int ILLEGAL_MESSAGE_KEY = 40005;
    static final int ILLEGAL_MESSAGE_PROPERTY_KEY = 40007;
    static final int ILLEGAL_INVISIBLE_TIME = 40011;
    static final int INVALID_RECEIPT_HANDLE = 40013;
    static final int MESSAGE_PROPERTY_CONFLICT_WITH_TYPE = 40014;
    static final int TOPIC_NOT_FOUND = 40402;
    static final int MESSAGE_BODY_TOO_LARGE = 41301;

    private StatusCodes() {
    }
}
