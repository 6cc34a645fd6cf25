package dev.sluice.broker.meta;

import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.RetryPolicy;
import dev.sluice.broker.TopicConfig;
import dev.sluice.store.MessageKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary form of topic and group settings in the key/value store. Each value starts with a
 * version byte so a later format can still read what an older broker wrote.
 */
final class MetadataCodec {

    private static final byte VERSION = 1;

    private MetadataCodec() {
    }

    static byte[] encode(TopicConfig topic) {
        return write(out -> {
            out.writeUTF(topic.name());
            out.writeUTF(topic.type().name());
            out.writeInt(topic.queues());
        });
    }

    static TopicConfig decodeTopic(byte[] bytes) {
        return read(bytes, in -> new TopicConfig(in.readUTF(), MessageKind.valueOf(in.readUTF()), in.readInt()));
    }

    static byte[] encode(GroupConfig group) {
        return write(out -> {
            out.writeUTF(group.name());
            out.writeBoolean(group.fifo());
            out.writeInt(group.maxDeliveryAttempts());
            RetryPolicy retry = group.retryPolicy();
            out.writeLong(retry.initial().toMillis());
            out.writeDouble(retry.multiplier());
            out.writeLong(retry.max().toMillis());
            out.writeShort(retry.customized().size());
            for (Duration step : retry.customized()) {
                out.writeLong(step.toMillis());
            }
        });
    }

    static GroupConfig decodeGroup(byte[] bytes) {
        return read(bytes, in -> {
            String name = in.readUTF();
            boolean fifo = in.readBoolean();
            int maxAttempts = in.readInt();
            Duration initial = Duration.ofMillis(in.readLong());
            double multiplier = in.readDouble();
            Duration max = Duration.ofMillis(in.readLong());
            int steps = in.readShort();
            List<Duration> customized = new ArrayList<>(steps);
            for (int i = 0; i < steps; i++) {
                customized.add(Duration.ofMillis(in.readLong()));
            }
            return new GroupConfig(name, fifo, maxAttempts, new RetryPolicy(initial, multiplier, max, customized));
        });
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("unknown metadata format version " + version);
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt metadata record", e);
        }
    }
}
