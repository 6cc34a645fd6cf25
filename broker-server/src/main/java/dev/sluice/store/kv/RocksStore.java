package dev.sluice.store.kv;

import dev.sluice.store.StoreException;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.ConfigOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.TablePropertiesCollectorFactory;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The store's one RocksDB instance under {@code <dataDir>/rocksdb}, one column family per
 * {@link Family}. Every write goes through the WAL. Thread-safe: a read/write lock keeps calls
 * out of the native library once {@link #close()} has started, which would otherwise crash the JVM.
 */
public final class RocksStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RocksStore.class);

    static {
        RocksDB.loadLibrary();
    }

    /**
     * Compaction hint: an SST file with at least {@value #DELETION_TRIGGER} deletions among any
     * {@value #DELETION_WINDOW} consecutive entries is compacted soon, not when size next says so.
     */
    private static final long DELETION_WINDOW = 10_000;
    private static final long DELETION_TRIGGER = 5_000;
    private static final double DELETION_RATIO = 0.5;
    /**
     * A WAL file is deleted only once every family with writes in it is flushed, and a family that
     * is rarely written (topics, checkpoints) flushes on its own only when its memtable fills: RocksDB
     * then lets the WAL grow to 4 × all memtables (GiBs), and an open replays all of it. Past this
     * size the families holding the oldest WAL are flushed, which bounds the replay.
     */
    private static final long MAX_WAL_BYTES = 256L << 20;
    /**
     * All the memory RocksDB may hold: every family's table blocks, index and bloom filter blocks
     * included, and its memtables, charged to this cache. Left to RocksDB, index and filter blocks
     * of every table file stay in memory beside the cache (~1.7 bytes per stored message id), and
     * each family may hold two 64 MiB memtables, so the broker's memory would grow with its backlog
     * and with the number of families being written. Filters and indexes are partitioned so that a
     * lookup loads 4 KiB pieces, not a whole file's filter, once the cache holds only part of them.
     */
    private static final long BLOCK_CACHE_BYTES = 128L << 20;
    /** The memtables' share of the cache: past 7/8 of it the largest memtable is flushed. */
    private static final long MEMTABLE_BYTES = 64L << 20;
    private static final long METADATA_BLOCK_BYTES = 4096;
    /** {@link Family#MESSAGE_ID}'s keys start with generation (4) and topic CRC (4): one insert hint per topic and hour. */
    private static final int MESSAGE_ID_HINT_PREFIX_BYTES = 8;
    /**
     * Families of older Sluice versions, dropped at open: the message index in its earlier key
     * layouts. The index is derived data, so only lookups by id or key of the messages stored
     * before the upgrade stop finding them; the messages themselves are still delivered.
     */
    private static final List<String> RETIRED_FAMILIES = List.of("msgid", "msgkey");

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final ColumnFamilyOptions lookupOptions;
    private final LRUCache blockCache;
    private final WriteBufferManager memtableBudget;
    private final List<ColumnFamilyHandle> allHandles;
    private final Map<Family, ColumnFamilyHandle> handles;
    private final WriteOptions asyncWrites = new WriteOptions();
    private final WriteOptions syncWrites = new WriteOptions().setSync(true);
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private RocksStore(RocksDB db, DBOptions dbOptions, ColumnFamilyOptions familyOptions,
                       ColumnFamilyOptions lookupOptions, LRUCache blockCache, WriteBufferManager memtableBudget,
                       List<ColumnFamilyHandle> allHandles, Map<Family, ColumnFamilyHandle> handles) {
        this.db = db;
        this.dbOptions = dbOptions;
        this.familyOptions = familyOptions;
        this.lookupOptions = lookupOptions;
        this.blockCache = blockCache;
        this.memtableBudget = memtableBudget;
        this.allHandles = allHandles;
        this.handles = handles;
    }

    public static RocksStore open(Path dir) {
        LRUCache blockCache = new LRUCache(BLOCK_CACHE_BYTES);
        WriteBufferManager memtableBudget = new WriteBufferManager(MEMTABLE_BYTES, blockCache);
        DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL).setKeepLogFileNum(3)
                // the WAL stays until a later flush, so replaying it need not write SST files first
                .setAvoidFlushDuringRecovery(true)
                .setMaxTotalWalSize(MAX_WAL_BYTES)
                .setWriteBufferManager(memtableBudget);
        ColumnFamilyOptions familyOptions = familyOptions(blockCache);
        ColumnFamilyOptions lookupOptions = pointLookupOptions(blockCache);
        try {
            Files.createDirectories(dir);
            List<byte[]> names = new ArrayList<>(existingFamilies(dir));
            for (Family family : Family.values()) {
                if (names.stream().noneMatch(n -> Arrays.equals(n, family.nameBytes()))) {
                    names.add(family.nameBytes());
                }
            }
            List<ColumnFamilyDescriptor> descriptors = names.stream()
                    .map(n -> new ColumnFamilyDescriptor(n,
                            Arrays.equals(n, Family.MESSAGE_ID.nameBytes()) ? lookupOptions : familyOptions))
                    .toList();
            List<ColumnFamilyHandle> allHandles = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, allHandles);
            dropRetired(db, names, allHandles);
            Map<Family, ColumnFamilyHandle> handles = new EnumMap<>(Family.class);
            for (Family family : Family.values()) {
                for (int i = 0; i < names.size(); i++) {
                    if (Arrays.equals(names.get(i), family.nameBytes())) {
                        handles.put(family, allHandles.get(i));
                    }
                }
            }
            return new RocksStore(db, dbOptions, familyOptions, lookupOptions, blockCache, memtableBudget,
                    allHandles, handles);
        } catch (RocksDBException | IOException e) {
            familyOptions.close();
            lookupOptions.close();
            dbOptions.close();
            memtableBudget.close();
            blockCache.close();
            throw new StoreException(StoreException.Reason.IO_ERROR, "cannot open RocksDB in " + dir, e);
        }
    }

    /** Drops the retired families among those opened, and forgets their names and handles. */
    private static void dropRetired(RocksDB db, List<byte[]> names, List<ColumnFamilyHandle> handles)
            throws RocksDBException {
        for (int i = names.size() - 1; i >= 0; i--) {
            String name = new String(names.get(i), StandardCharsets.UTF_8);
            if (RETIRED_FAMILIES.contains(name)) {
                ColumnFamilyHandle handle = handles.remove(i);
                names.remove(i);
                db.dropColumnFamily(handle);
                handle.close();
                LOG.warn("Dropped column family '{}' of an older Sluice (the message id/key index in an earlier layout): "
                        + "messages stored before this start are still delivered, but looking them up by id or key "
                        + "finds nothing", name);
            }
        }
    }

    /**
     * Every send looks its message id up (dedup), and nearly every lookup misses: whole-key bloom
     * filters in the memtable and in the table files answer a miss without searching either.
     */
    private static ColumnFamilyOptions pointLookupOptions(Cache blockCache) {
        Properties hinted = new Properties();
        // not settable through RocksJava's setters, only by name
        hinted.setProperty("memtable_insert_with_hint_prefix_extractor", "rocksdb.FixedPrefix." + MESSAGE_ID_HINT_PREFIX_BYTES);
        ColumnFamilyOptions options;
        try (ConfigOptions parsing = new ConfigOptions()) {
            options = ColumnFamilyOptions.getColumnFamilyOptionsFromProps(parsing, hinted);
        }
        if (options == null) {
            throw new IllegalStateException("this RocksDB does not know memtable insert hints");
        }
        return options
                .setTableFormatConfig(cachedTables(blockCache).setFilterPolicy(new BloomFilter(10))
                        .setWholeKeyFiltering(true))
                .setMemtablePrefixBloomSizeRatio(0.05)
                .setMemtableWholeKeyFiltering(true);
    }

    /**
     * Several families are queues in key order (timers by due time, transaction state, consumer
     * progress): their keys are deleted in runs, which leaves files that are mostly tombstones.
     * Until compaction drops them every read crossing them skips them one by one, and ordinary
     * size-triggered compaction may not come for a long time once the burst is over.
     */
    private static ColumnFamilyOptions familyOptions(Cache blockCache) {
        try (Options options = new Options();
             TablePropertiesCollectorFactory compactOnDeletion = TablePropertiesCollectorFactory
                     .NewCompactOnDeletionCollectorFactory(DELETION_WINDOW, DELETION_TRIGGER, DELETION_RATIO)) {
            options.setTablePropertiesCollectorFactory(List.of(compactOnDeletion));
            // the copy shares the collector factory, which outlives the Java wrappers closed here
            return new ColumnFamilyOptions(options).setTableFormatConfig(cachedTables(blockCache));
        }
    }

    /** Index and filter blocks in the shared cache, partitioned; the top level of each pinned. */
    private static BlockBasedTableConfig cachedTables(Cache blockCache) {
        return new BlockBasedTableConfig()
                .setBlockCache(blockCache)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinTopLevelIndexAndFilter(true)
                .setPinL0FilterAndIndexBlocksInCache(true)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true)
                .setMetadataBlockSize(METADATA_BLOCK_BYTES);
    }

    private static List<byte[]> existingFamilies(Path dir) throws RocksDBException {
        if (!Files.exists(dir.resolve("CURRENT"))) {
            return List.of();
        }
        try (Options options = new Options()) {
            return RocksDB.listColumnFamilies(options, dir.toString());
        }
    }

    public byte[] get(Family family, byte[] key) {
        return guarded(() -> db.get(handles.get(family), key));
    }

    public void put(Family family, byte[] key, byte[] value, boolean sync) {
        guarded(() -> {
            db.put(handles.get(family), sync ? syncWrites : asyncWrites, key, value);
            return null;
        });
    }

    public void delete(Family family, byte[] key, boolean sync) {
        guarded(() -> {
            db.delete(handles.get(family), sync ? syncWrites : asyncWrites, key);
            return null;
        });
    }

    /** Deletes keys in {@code [from, to)}. */
    public void deleteRange(Family family, byte[] from, byte[] to, boolean sync) {
        guarded(() -> {
            db.deleteRange(handles.get(family), sync ? syncWrites : asyncWrites, from, to);
            return null;
        });
    }

    /** Builds a batch with {@link #handle} and writes it atomically, all while the store is open. */
    public void write(BatchBuilder builder, boolean sync) {
        guarded(() -> {
            try (WriteBatch batch = new WriteBatch()) {
                builder.fill(batch);
                if (batch.count() > 0) {
                    db.write(sync ? syncWrites : asyncWrites, batch);
                }
            }
            return null;
        });
    }

    /** Fills a batch. */
    @FunctionalInterface
    public interface BatchBuilder {
        void fill(WriteBatch batch) throws RocksDBException;
    }

    /** Writes a batch built by the caller, who must not outlive the store (the writer thread). */
    public void write(WriteBatch batch, boolean sync) {
        if (batch.count() == 0) {
            return;
        }
        guarded(() -> {
            db.write(sync ? syncWrites : asyncWrites, batch);
            return null;
        });
    }

    public ColumnFamilyHandle handle(Family family) {
        return handles.get(family);
    }

    /**
     * Visits the entries whose keys start with {@code prefix}, ascending or, with {@code reverse},
     * descending. The visitor returns false to stop.
     */
    public void scan(Family family, byte[] prefix, boolean reverse, EntryVisitor visitor) {
        guarded(() -> {
            try (RocksIterator it = db.newIterator(handles.get(family))) {
                if (!reverse) {
                    it.seek(prefix);
                } else {
                    byte[] bound = Keys.prefixUpperBound(prefix);
                    if (bound == null) {
                        it.seekToLast();
                    } else {
                        // lands on the last key <= bound, which is the bound itself when it exists
                        it.seekForPrev(bound);
                        if (it.isValid() && !Keys.startsWith(it.key(), prefix)) {
                            it.prev();
                        }
                    }
                }
                while (it.isValid() && Keys.startsWith(it.key(), prefix)) {
                    if (!visitor.visit(it.key(), it.value())) {
                        break;
                    }
                    if (reverse) {
                        it.prev();
                    } else {
                        it.next();
                    }
                }
                it.status();
            }
            return null;
        });
    }

    /**
     * Visits, in ascending order, the entries whose keys start with {@code prefix} and are not
     * below {@code from}. The visitor returns false to stop.
     */
    public void scanFrom(Family family, byte[] prefix, byte[] from, EntryVisitor visitor) {
        guarded(() -> {
            try (RocksIterator it = db.newIterator(handles.get(family))) {
                it.seek(Arrays.compareUnsigned(from, prefix) > 0 ? from : prefix);
                while (it.isValid() && Keys.startsWith(it.key(), prefix) && visitor.visit(it.key(), it.value())) {
                    it.next();
                }
                it.status();
            }
            return null;
        });
    }

    /**
     * Writes every memtable to SST files, so that the next open has no WAL to replay. On failure the
     * WAL still holds everything: the next open is only slower.
     */
    private void flushAll() {
        try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
            db.flush(options, allHandles);
        } catch (RocksDBException e) {
            LOG.warn("Flushing RocksDB before closing failed ({}); the next start replays its WAL", e.getMessage());
        }
    }

    /** Test hook: writes the family's memtable to an SST file now. */
    void flush(Family family) {
        guarded(() -> {
            try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
                db.flush(options, handles.get(family));
            }
            return null;
        });
    }

    /** Test hook: point and range deletions the family's SST files still carry. */
    long deletionsInFiles(Family family) {
        return guarded(() -> db.getPropertiesOfAllTables(handles.get(family)).values().stream()
                .mapToLong(p -> p.getNumDeletions() + p.getNumRangeDeletions()).sum());
    }

    /** Receives one entry of a scan; returns whether to continue. */
    @FunctionalInterface
    public interface EntryVisitor {
        boolean visit(byte[] key, byte[] value);
    }

    @FunctionalInterface
    private interface RocksCall<T> {
        T call() throws RocksDBException;
    }

    private <T> T guarded(RocksCall<T> call) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new StoreException(StoreException.Reason.NOT_RUNNING, "the store is closed");
            }
            return call.call();
        } catch (RocksDBException e) {
            throw new StoreException(StoreException.Reason.IO_ERROR, "RocksDB: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Native memory RocksDB holds for this store: the block cache with the memtables charged to it,
     * and index and filter blocks of table files kept outside the cache (none with this configuration).
     */
    public long memoryBytes() {
        return tableReaderBytesOutsideCache() + guarded(blockCache::getUsage);
    }

    /** Test hook: memtables of all families, mutable or waiting for their flush. */
    long memtableBytes() {
        return sumOverFamilies("rocksdb.cur-size-all-mem-tables");
    }

    /** Index and filter blocks of table files held outside the block cache, over all families. */
    long tableReaderBytesOutsideCache() {
        return sumOverFamilies("rocksdb.estimate-table-readers-mem");
    }

    private long sumOverFamilies(String property) {
        return guarded(() -> {
            long total = 0;
            for (ColumnFamilyHandle handle : allHandles) {
                total += db.getLongProperty(handle, property);
            }
            return total;
        });
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            flushAll();
            for (ColumnFamilyHandle handle : allHandles) {
                handle.close();
            }
            db.close();
            asyncWrites.close();
            syncWrites.close();
            familyOptions.close();
            lookupOptions.close();
            dbOptions.close();
            memtableBudget.close();
            blockCache.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
