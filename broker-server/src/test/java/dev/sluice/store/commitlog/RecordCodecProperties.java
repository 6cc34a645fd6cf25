package dev.sluice.store.commitlog;

import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordCodecProperties {

    private static MessageRecord sample(String text) {
        return new MessageRecord("t", 3, "id-" + text, MessageKind.FIFO, text, List.of(text, "k2"), "g", 11L, 22L,
                "host", Map.of("u", text), Map.of("s", "v"), text.getBytes(UTF_8));
    }

    @Property(tries = 100)
    void shouldRoundTripAnyText(@ForAll String text, @ForAll long queueOffset, @ForAll long storeTimestamp)
            throws CorruptRecordException {
        byte[] payload = RecordCodec.encode(sample(text));
        RecordCodec.stamp(payload, queueOffset, storeTimestamp);

        DecodedRecord decoded = RecordCodec.decode(payload, 0, payload.length);

        MessageRecord expected = sample(new String(text.getBytes(UTF_8),
                UTF_8));
        assertThat(decoded.message()).usingRecursiveComparison().isEqualTo(expected);
        assertThat(decoded.queueOffset()).isEqualTo(queueOffset);
        assertThat(decoded.storeTimestamp()).isEqualTo(storeTimestamp);
    }

    /** Bytes from a damaged file must be rejected with a checked error, never anything else. */
    @Property(tries = 500)
    void shouldRejectDamagedPayloadsCleanly(@ForAll long seed, @ForAll @IntRange(min = 0, max = 50) int flips,
                                            @ForAll @IntRange(min = 0, max = 100) int keepPercent) {
        Random random = new Random(seed);
        byte[] payload = RecordCodec.encode(sample("hello " + seed));
        for (int i = 0; i < flips; i++) {
            payload[random.nextInt(payload.length)] = (byte) random.nextInt();
        }
        int length = payload.length * keepPercent / 100;
        try {
            RecordCodec.decode(payload, 0, length);
        } catch (CorruptRecordException expected) {
            // rejected: fine
        }
    }

    @Example
    void shouldRejectAnUnknownVersion() {
        byte[] payload = RecordCodec.encode(sample("x"));
        payload[1] = 9;
        assertThatThrownBy(() -> RecordCodec.decode(payload, 0, payload.length))
                .isInstanceOf(CorruptRecordException.class).hasMessageContaining("version");
    }
}
