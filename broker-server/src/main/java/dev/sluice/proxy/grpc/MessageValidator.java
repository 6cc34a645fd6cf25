package dev.sluice.proxy.grpc;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.NameRules;
import dev.sluice.proto.rmq.v2.Code;
import dev.sluice.proto.rmq.v2.Message;
import dev.sluice.proto.rmq.v2.MessageType;
import dev.sluice.proto.rmq.v2.SystemProperties;
import dev.sluice.proxy.ProxyConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The checks of protocol §4 on messages a producer sends, each failing with its specific code,
 * so the client learns what to fix (and, being non-retryable, stops resending).
 */
final class MessageValidator {

    /** The reference proxy's cap on a producer's first-check delay. */
    private static final Duration MAX_TRANSACTION_RECOVERY = Duration.ofHours(1);

    private final ProxyConfig config;

    MessageValidator(ProxyConfig config) {
        this.config = config;
    }

    /** Validates a whole SendMessage request: non-empty, one topic, every message valid. */
    void validateRequest(List<Message> messages) {
        if (messages.isEmpty()) {
            throw new ProtocolException(Code.BAD_REQUEST, "SendMessage carries no messages");
        }
        String topic = messages.get(0).getTopic().getName();
        for (Message message : messages) {
            if (!message.getTopic().getName().equals(topic)) {
                throw new ProtocolException(Code.BAD_REQUEST,
                        "all messages of one SendMessage must share a topic: " + topic + " and "
                                + message.getTopic().getName());
            }
            validate(message);
        }
    }

    void validate(Message message) {
        NameRules.checkUserTopic(message.getTopic().getName());
        SystemProperties system = message.getSystemProperties();
        if (system.getMessageId().isBlank()) {
            throw new ProtocolException(Code.ILLEGAL_MESSAGE_ID, "message_id is required");
        }
        validateBody(message);
        if (system.hasTag()) {
            NameRules.checkTag(system.getTag());
        }
        system.getKeysList().forEach(NameRules::checkKey);
        validateType(system);
        validateProperties(message.getUserPropertiesMap(), system);
    }

    private void validateBody(Message message) {
        int size = message.getBody().size();
        if (size == 0) {
            throw new BrokerException(BrokerError.BODY_EMPTY, "message body is empty");
        }
        if (size > config.maxBodyBytes()) {
            throw new BrokerException(BrokerError.BODY_TOO_LARGE,
                    "message body of " + size + " bytes exceeds the limit of " + config.maxBodyBytes() + " bytes");
        }
    }

    private void validateType(SystemProperties system) {
        MessageType type = system.getMessageType();
        if (type == MessageType.LITE || type == MessageType.PRIORITY) {
            throw new ProtocolException(Code.UNSUPPORTED, type + " messages are not supported");
        }
        if (system.hasMessageGroup()) {
            validateMessageGroup(system.getMessageGroup());
        } else if (type == MessageType.FIFO) {
            throw new BrokerException(BrokerError.ILLEGAL_MESSAGE_GROUP, "a FIFO message needs a message_group");
        }
        if (system.hasOrphanedTransactionRecoveryDuration()) {
            Duration firstCheck = ProtoTime.duration(system.getOrphanedTransactionRecoveryDuration());
            if (firstCheck.isNegative() || firstCheck.compareTo(MAX_TRANSACTION_RECOVERY) > 0) {
                throw new ProtocolException(Code.BAD_REQUEST, "orphaned_transaction_recovery_duration must be between"
                        + " 0 and " + MAX_TRANSACTION_RECOVERY + ", got " + firstCheck);
            }
        }
        // how far ahead is the broker's to say (its configurable maximum)
        if (type == MessageType.DELAY && !system.hasDeliveryTimestamp()) {
            throw new ProtocolException(Code.ILLEGAL_DELIVERY_TIME, "a DELAY message needs a delivery_timestamp");
        }
    }

    private static void validateMessageGroup(String group) {
        if (group.isBlank() || NameRules.hasControlChar(group)) {
            throw new BrokerException(BrokerError.ILLEGAL_MESSAGE_GROUP,
                    "message_group must be non-blank without control characters");
        }
        int bytes = group.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > NameRules.MAX_MESSAGE_GROUP_BYTES) {
            throw new BrokerException(BrokerError.ILLEGAL_MESSAGE_GROUP, "message_group of " + bytes
                    + " bytes exceeds " + NameRules.MAX_MESSAGE_GROUP_BYTES + " bytes");
        }
    }

    private void validateProperties(Map<String, String> properties, SystemProperties system) {
        if (properties.size() > config.maxProperties()) {
            throw new BrokerException(BrokerError.PROPERTIES_TOO_LARGE,
                    properties.size() + " user properties exceed the limit of " + config.maxProperties());
        }
        long bytes = utf8Length(system.getTag());
        for (String key : system.getKeysList()) {
            bytes += utf8Length(key);
        }
        for (Map.Entry<String, String> property : properties.entrySet()) {
            String key = property.getKey();
            if (key.isBlank() || NameRules.hasControlChar(key)) {
                throw new BrokerException(BrokerError.ILLEGAL_PROPERTY_KEY,
                        "property keys must be non-blank without control characters");
            }
            if (ReservedPropertyKeys.contains(key)) {
                throw new BrokerException(BrokerError.ILLEGAL_PROPERTY_KEY, "property key is reserved: " + key);
            }
            bytes += utf8Length(key) + utf8Length(property.getValue());
        }
        if (bytes > config.maxPropertiesBytes()) {
            throw new BrokerException(BrokerError.PROPERTIES_TOO_LARGE, "properties, tag and keys take " + bytes
                    + " bytes, more than the limit of " + config.maxPropertiesBytes());
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
