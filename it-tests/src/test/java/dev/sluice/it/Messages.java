package dev.sluice.it;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.rocketmq.client.apis.message.MessageView;

/** Small conversions the tests share. */
final class Messages {

    private Messages() {
    }

    static String id(MessageView message) {
        return message.getMessageId().toString();
    }

    static Set<String> ids(Collection<MessageView> messages) {
        return messages.stream().map(Messages::id).collect(Collectors.toSet());
    }

    /** The body's bytes, without consuming the view's buffer. */
    static byte[] body(MessageView message) {
        ByteBuffer copy = message.getBody().duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
