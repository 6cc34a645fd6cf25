package dev.sluice.broker.tx;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What the broker keeps about one transaction, keyed by its half message's internal position.
 *
 * @param producer  client id of the producer that sent the half message
 * @param createdAt epoch millis the half message was stored
 * @param checks    checks that reached a live producer so far
 * @param nextAt    epoch millis of the next check, or, once resolved, when the record is forgotten
 */
record TransactionRecord(String topic, String messageId, String producer, long createdAt, int checks, long nextAt,
                         TransactionState state) {

    private static final byte VERSION = 1;

    TransactionRecord withCheck(int newChecks, long newNextAt) {
        return new TransactionRecord(topic, messageId, producer, createdAt, newChecks, newNextAt, state);
    }

    TransactionRecord with(TransactionState newState, long newNextAt) {
        return new TransactionRecord(topic, messageId, producer, createdAt, checks, newNextAt, newState);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(topic);
            out.writeUTF(messageId);
            out.writeUTF(producer);
            out.writeLong(createdAt);
            out.writeInt(checks);
            out.writeLong(nextAt);
            out.writeByte(state.ordinal());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static TransactionRecord decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("unknown transaction record version " + version);
            }
            return new TransactionRecord(in.readUTF(), in.readUTF(), in.readUTF(), in.readLong(), in.readInt(),
                    in.readLong(), TransactionState.values()[in.readByte()]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
