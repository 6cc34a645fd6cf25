package dev.sluice.store.index;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.store.MessageKind;
import dev.sluice.store.MessageRecord;
import dev.sluice.store.index.MessageIndex.Location;
import dev.sluice.store.kv.RocksStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** Lookups across the hourly generations, and what retention and topic deletion take away. */
class MessageIndexTest {

    private static final long HOUR = MessageIndex.GENERATION_MILLIS;
    /** Some hour's start, long after the epoch. */
    private static final long T0 = 490_000 * HOUR;
    private static final Duration WINDOW = Duration.ofMinutes(10);

    @TempDir
    Path dir;
    private RocksStore rocks;
    private MessageIndex index;

    @BeforeEach
    void open() {
        rocks = RocksStore.open(dir);
        index = new MessageIndex(rocks, WINDOW, T0);
    }

    @AfterEach
    void close() {
        rocks.close();
    }

    private void reopen() {
        rocks.close();
        open();
    }

    /** Indexes a message stored at {@code storedAt} whose record is at commit-log offset {@code offset}. */
    private void add(String topic, String id, String key, long offset, long storedAt) {
        MessageRecord message = new MessageRecord(topic, 0, id, MessageKind.NORMAL, "", List.of(key), "", 0,
                storedAt, "host", Map.of(), Map.of(), new byte[0]);
        rocks.write(batch -> index.add(batch, message, offset, 100, storedAt), false);
    }

    private Optional<Long> byId(String topic, String id) {
        return index.findById(topic, id).map(Location::commitLogOffset);
    }

    private List<Long> byKey(String topic, String key, int max) {
        List<Long> offsets = new ArrayList<>();
        index.forEachByKey(topic, key, location -> {
            offsets.add(location.commitLogOffset());
            return offsets.size() < max;
        });
        return offsets;
    }

    @Test
    void aNewIndexAnswersRecentIdQuestionsAtOnceAndAReopenedOneOnlyAWindowAfterItsNewestHour() {
        assertThat(index.mightHoldRecent("orders", "never-sent")).as("nothing stored: no lookup needed").isFalse();

        add("orders", "sent-before-restart", "k", 10, System.currentTimeMillis());
        reopen();
        assertThat(index.mightHoldRecent("orders", "sent-before-restart")).as("in no filter after a restart").isTrue();
        assertThat(index.mightHoldRecent("orders", "never-sent")).isTrue();
    }

    @Test
    void findsTheNewestCopyOfAnIdAcrossHours() {
        add("orders", "m1", "k", 10, T0);
        add("orders", "m1", "k", 20, T0 + 3 * HOUR);
        add("orders", "m2", "k", 30, T0 + HOUR);

        assertThat(byId("orders", "m1")).contains(20L);
        assertThat(byId("orders", "m2")).contains(30L);
        assertThat(byId("orders", "m3")).isEmpty();
        assertThat(byId("payments", "m1")).isEmpty();
    }

    @Test
    void recentLookupsSeeOnlyTheHoursTheWindowReaches() {
        add("orders", "old", "k", 10, T0);
        add("orders", "late", "k", 20, T0 + 2 * HOUR + 55 * 60_000);

        long now = T0 + 3 * HOUR + 2 * 60_000;
        // the window reaches back into the previous hour, not further
        assertThat(index.findRecentById("orders", "late", now)).map(Location::commitLogOffset).contains(20L);
        assertThat(index.findRecentById("orders", "old", now)).isEmpty();
        assertThat(byId("orders", "old")).contains(10L);
    }

    @Test
    void keysAreFoundNewestFirstAcrossHoursUpToTheLimit() {
        add("orders", "m1", "customer-7", 10, T0);
        add("orders", "m2", "customer-7", 20, T0 + HOUR);
        add("orders", "m3", "customer-7", 30, T0 + HOUR);
        add("orders", "m4", "customer-8", 40, T0 + 2 * HOUR);

        assertThat(byKey("orders", "customer-7", 10)).containsExactly(30L, 20L, 10L);
        assertThat(byKey("orders", "customer-7", 2)).containsExactly(30L, 20L);
        assertThat(byKey("orders", "customer-", 10)).isEmpty();
    }

    @Test
    void retentionDropsTheHoursAtLeastAnHourOlderThanWhatItDeleted() {
        add("orders", "h0", "k", 10, T0);
        add("orders", "h1", "k", 20, T0 + HOUR);
        add("orders", "h2", "k", 30, T0 + 2 * HOUR);
        add("orders", "h3", "k", 40, T0 + 3 * HOUR + 1);

        index.dropStoredBefore(T0 + 3 * HOUR + 30 * 60_000);

        assertThat(byId("orders", "h0")).isEmpty();
        assertThat(byId("orders", "h1")).isEmpty();
        assertThat(byId("orders", "h2")).contains(30L);
        assertThat(byId("orders", "h3")).contains(40L);
        assertThat(byKey("orders", "k", 10)).containsExactly(40L, 30L);
        reopen();
        assertThat(byId("orders", "h1")).isEmpty();
        assertThat(byKey("orders", "k", 10)).containsExactly(40L, 30L);
    }

    @Test
    void deletingATopicDropsItsEntriesInEveryHourAndNoOtherTopics() {
        for (int hour = 0; hour < 3; hour++) {
            add("orders", "o" + hour, "k", 10 + hour, T0 + hour * HOUR);
            add("orders2", "p" + hour, "k", 20 + hour, T0 + hour * HOUR);
            add("order", "q" + hour, "k", 30 + hour, T0 + hour * HOUR);
        }

        index.deleteTopic("orders");

        for (int hour = 0; hour < 3; hour++) {
            assertThat(byId("orders", "o" + hour)).isEmpty();
            assertThat(byId("orders2", "p" + hour)).contains(20L + hour);
            assertThat(byId("order", "q" + hour)).contains(30L + hour);
        }
        assertThat(byKey("orders", "k", 10)).isEmpty();
        assertThat(byKey("orders2", "k", 10)).containsExactly(22L, 21L, 20L);
    }

    @Test
    void entriesOfEveryHourAreFoundAfterAReopen() {
        add("orders", "m1", "k", 10, T0);
        add("orders", "m2", "k", 20, T0 + 5 * HOUR);

        reopen();

        assertThat(byId("orders", "m1")).contains(10L);
        assertThat(byId("orders", "m2")).contains(20L);
        index.deleteTopic("orders");
        assertThat(byId("orders", "m1")).isEmpty();
    }

    @Test
    void theIndexInTheLayoutsOfOlderVersionsIsDroppedAtOpen() throws RocksDBException {
        add("orders", "m1", "k", 10, T0);
        rocks.close();
        addFamiliesOfOlderVersions("msgid", "msgkey");

        open();

        assertThat(familyNames()).doesNotContain("msgid", "msgkey").contains("message_id", "message_key");
        assertThat(byId("orders", "m1")).contains(10L);
        assertThat(byKey("orders", "k", 10)).containsExactly(10L);
    }

    private void addFamiliesOfOlderVersions(String... names) throws RocksDBException {
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions(); ColumnFamilyOptions family = new ColumnFamilyOptions()) {
            List<ColumnFamilyDescriptor> existing = familyNames().stream()
                    .map(n -> new ColumnFamilyDescriptor(n.getBytes(StandardCharsets.UTF_8), family)).toList();
            RocksDB db = RocksDB.open(options, dir.toString(), existing, handles);
            try {
                for (String name : names) {
                    ColumnFamilyHandle handle = db.createColumnFamily(
                            new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.UTF_8), family));
                    handles.add(handle);
                    db.put(handle, "orders\0m0".getBytes(StandardCharsets.UTF_8), new byte[12]);
                }
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
                db.close();
            }
        }
    }

    private List<String> familyNames() throws RocksDBException {
        try (Options options = new Options()) {
            return RocksDB.listColumnFamilies(options, dir.toString()).stream()
                    .map(n -> new String(n, StandardCharsets.UTF_8)).toList();
        }
    }
}
