package dev.sluice.broker.meta;

import dev.sluice.broker.BrokerError;
import dev.sluice.broker.BrokerException;
import dev.sluice.broker.GroupConfig;
import dev.sluice.broker.TopicConfig;
import dev.sluice.store.KeyValueStore;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Named settings (topics or groups) kept in memory for reads and written through to one
 * key/value space. Changes are serialized by the registry's monitor; reads are lock-free.
 */
public final class Registry<T> {

    private final KeyValueStore kv;
    private final KeyValueStore.Space space;
    private final String what;
    private final BrokerError existsError;
    private final BrokerError missingError;
    private final Function<T, String> nameOf;
    private final Function<T, byte[]> encoder;
    private final ConcurrentMap<String, T> entries = new ConcurrentHashMap<>();
    private volatile Runnable onChange = () -> { };

    /** The topics this broker serves. */
    public static Registry<TopicConfig> topics(KeyValueStore kv) {
        return new Registry<>(kv, KeyValueStore.Space.TOPICS, "topic", BrokerError.TOPIC_EXISTS,
                BrokerError.TOPIC_NOT_FOUND, TopicConfig::name, MetadataCodec::encode, MetadataCodec::decodeTopic);
    }

    /** The consumer groups and their retry settings. */
    public static Registry<GroupConfig> groups(KeyValueStore kv) {
        return new Registry<>(kv, KeyValueStore.Space.GROUPS, "consumer group", BrokerError.GROUP_EXISTS,
                BrokerError.GROUP_NOT_FOUND, GroupConfig::name, MetadataCodec::encode, MetadataCodec::decodeGroup);
    }

    private Registry(KeyValueStore kv, KeyValueStore.Space space, String what, BrokerError existsError,
                     BrokerError missingError, Function<T, String> nameOf, Function<T, byte[]> encoder,
                     Function<byte[], T> decoder) {
        this.kv = kv;
        this.space = space;
        this.what = what;
        this.existsError = existsError;
        this.missingError = missingError;
        this.nameOf = nameOf;
        this.encoder = encoder;
        kv.scan(space, new byte[0], (key, value) -> {
            T entry = decoder.apply(value);
            entries.put(nameOf.apply(entry), entry);
        });
    }

    /**
     * Runs after every stored change, inside the registry's monitor and on the changing thread:
     * it must only take note, never block or call back into the registry.
     */
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    public Optional<T> get(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    public List<T> all() {
        return entries.values().stream().sorted(Comparator.comparing(nameOf)).toList();
    }

    public synchronized T create(T entry) {
        String name = nameOf.apply(entry);
        if (entries.containsKey(name)) {
            throw new BrokerException(existsError, what + " '" + name + "' already exists");
        }
        return put(entry);
    }

    /** Creates the entry unless one of that name exists; returns whichever is stored. */
    public synchronized T createIfAbsent(T entry) {
        T existing = entries.get(nameOf.apply(entry));
        return existing != null ? existing : put(entry);
    }

    public synchronized T update(T entry) {
        requireExists(nameOf.apply(entry));
        return put(entry);
    }

    public synchronized T delete(String name) {
        T removed = requireExists(name);
        kv.delete(space, key(name));
        entries.remove(name);
        onChange.run();
        return removed;
    }

    private T requireExists(String name) {
        T existing = entries.get(name);
        if (existing == null) {
            throw new BrokerException(missingError, what + " '" + name + "' not found");
        }
        return existing;
    }

    private T put(T entry) {
        String name = nameOf.apply(entry);
        kv.put(space, key(name), encoder.apply(entry));
        entries.put(name, entry);
        onChange.run();
        return entry;
    }

    private static byte[] key(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }
}
