package dev.sluice.proxy.grpc;

import com.google.protobuf.ByteString;
import dev.sluice.proto.rmq.v2.Encoding;
import dev.sluice.proto.rmq.v2.Message;
import dev.sluice.proto.rmq.v2.MessageType;
import dev.sluice.proto.rmq.v2.SendMessageRequest;
import dev.sluice.proto.rmq.v2.SystemProperties;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Messages shaped like the ones the Java client 5.2.0 sends. */
final class TestMessages {

    private TestMessages() {
    }

    static Message.Builder normal(String topic, String body) {
        return Message.newBuilder()
                .setTopic(ProxyHarness.resource(topic))
                .putUserProperties("color", "blue")
                .setSystemProperties(SystemProperties.newBuilder()
                        .setMessageId(newMessageId())
                        .setTag("tagA")
                        .addKeys("key-1")
                        .setBodyEncoding(Encoding.IDENTITY)
                        .setMessageType(MessageType.NORMAL)
                        .setBornTimestamp(ProtoTime.timestamp(System.currentTimeMillis()))
                        .setBornHost("producer-host")
                        .setQueueId(0))
                .setBody(ByteString.copyFrom(body, StandardCharsets.UTF_8));
    }

    static Message.Builder withSystem(Message.Builder message, java.util.function.Consumer<SystemProperties.Builder> change) {
        SystemProperties.Builder system = message.getSystemProperties().toBuilder();
        change.accept(system);
        return message.setSystemProperties(system);
    }

    static SendMessageRequest request(Message.Builder... messages) {
        SendMessageRequest.Builder request = SendMessageRequest.newBuilder();
        for (Message.Builder message : messages) {
            request.addMessages(message);
        }
        return request.build();
    }

    /** 34 uppercase hex characters, like the Java client's ids. */
    static String newMessageId() {
        String hex = UUID.randomUUID().toString().replace("-", "").toUpperCase();
        return "01" + hex;
    }
}
