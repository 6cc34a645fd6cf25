package dev.sluice.store.index;

/**
 * A split-block Bloom filter over 64-bit hashes: a key sets one bit in each of the eight words of
 * one 64-byte block, so a lookup costs one cache miss. Guava's {@code BloomFilter} was measured in
 * its place on the send path: hashing the key's characters with Murmur3 and seven probes spread
 * over the bit array cost as much as the RocksDB read the filter was there to save.
 *
 * <p>At 12 bits per key about 1 % of absent keys are reported present. One writer thread adds;
 * any thread may ask. A reader racing an add may miss that key, so callers must cover keys that
 * are being added by other means.
 */
final class BlockedBloomFilter {

    private static final int BITS_PER_KEY = 12;
    private static final int WORDS_PER_BLOCK = 8;
    /** Odd multipliers that pick a different bit of each word from the same hash. */
    private static final long[] SALTS = {
        0x47b6137b44974d91L, 0x8824ad5ba2b7289dL, 0x705495c72df1424bL, 0x9efc49475c6bfb31L,
        0x2df1424b705495c7L, 0x5c6bfb319efc4947L, 0x44974d9147b6137bL, 0xa2b7289d8824ad5bL,
    };

    private final long[] words;
    private final int blocks;

    BlockedBloomFilter(long expectedKeys) {
        long bits = Math.max(1, expectedKeys) * BITS_PER_KEY;
        this.blocks = (int) Math.min(Integer.MAX_VALUE / WORDS_PER_BLOCK, (bits + 511) / 512);
        this.words = new long[blocks * WORDS_PER_BLOCK];
    }

    /** Writer thread only. */
    void add(long hash) {
        int base = block(hash);
        for (int i = 0; i < WORDS_PER_BLOCK; i++) {
            words[base + i] |= bit(hash, i);
        }
    }

    boolean mightContain(long hash) {
        int base = block(hash);
        for (int i = 0; i < WORDS_PER_BLOCK; i++) {
            if ((words[base + i] & bit(hash, i)) == 0) {
                return false;
            }
        }
        return true;
    }

    private int block(long hash) {
        return (int) (((hash >>> 32) * blocks) >>> 32) * WORDS_PER_BLOCK;
    }

    private static long bit(long hash, int word) {
        return 1L << ((hash * SALTS[word]) >>> 58);
    }

    /** A well-mixed 64-bit hash of a (topic, message id) pair: FNV-1a over both, then Murmur3's finalizer. */
    static long hash(String topic, String messageId) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, topic);
        h = (h ^ 0x1F) * 0x100000001b3L; // the separator: ("ab", "c") and ("a", "bc") differ
        h = fnv(h, messageId);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }
}
