package dev.sluice.store.kv;

import java.util.Arrays;

/** Byte-key helpers for prefix scans. */
public final class Keys {

    private Keys() {
    }

    public static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The smallest key greater than every key starting with {@code prefix}; null when there is
     * none (the prefix is only 0xFF bytes).
     */
    public static byte[] prefixUpperBound(byte[] prefix) {
        byte[] bound = Arrays.copyOf(prefix, prefix.length);
        for (int i = bound.length - 1; i >= 0; i--) {
            if (bound[i] != (byte) 0xFF) {
                bound[i]++;
                return Arrays.copyOf(bound, i + 1);
            }
        }
        return null;
    }
}
