package dev.sluice.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.BitSet;

/**
 * What the write phase of a backlog run hands to its read phase: which run's messages to look
 * for on which topic, which of them the broker accepted, and the write figures, so a read in a
 * later process (after the broker was restarted, say) can still count lost and duplicate
 * messages and report the whole run.
 *
 * @param ownTopic the run created the topic (and the read phase deletes it), rather than the user's --topic
 * @param sent     the numbers of the messages whose send succeeded
 * @param rss1PctMib the server's RSS (MiB) at 1% of the backlog written; null where unknown, as the others
 */
record BacklogWritten(String runId, String topic, boolean ownTopic, int bodySize, BitSet sent, long failed,
                      String firstError, SendLoop.Measurement measured,
                      Double rss1PctMib, Double rss50PctMib, Double rss100PctMib) {

    private static final byte[] MAGIC = "sluice-bench backlog state\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /** Writes the file whole or not at all, so a crash never leaves a half-written state behind. */
    void save(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(runId);
            out.writeUTF(topic);
            out.writeBoolean(ownTopic);
            out.writeInt(bodySize);
            out.writeLong(failed);
            writeNullable(out, firstError);
            out.writeLong(measured.ok());
            out.writeDouble(measured.seconds());
            Percentiles p = measured.latency();
            for (double v : new double[] {p.p50Ms(), p.p99Ms(), p.p999Ms(), p.maxMs()}) {
                out.writeDouble(v);
            }
            out.writeLong(p.count());
            for (Double rss : new Double[] {rss1PctMib, rss50PctMib, rss100PctMib}) {
                out.writeDouble(rss == null ? Double.NaN : rss);
            }
            long[] words = sent.toLongArray();
            out.writeInt(words.length);
            for (long w : words) {
                out.writeLong(w);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads a file {@link #save} wrote; anything else is refused with the reason. */
    static BacklogWritten load(Path file) throws IOException {
        try (InputStream is = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(is))) {
            if (!Arrays.equals(MAGIC, in.readNBytes(MAGIC.length))) {
                throw invalid(file, "not a backlog state file");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw invalid(file, "version " + version + ", this bench reads version " + VERSION);
            }
            String runId = in.readUTF();
            String topic = in.readUTF();
            boolean ownTopic = in.readBoolean();
            int bodySize = in.readInt();
            long failed = in.readLong();
            String firstError = readNullable(in);
            long ok = in.readLong();
            double seconds = in.readDouble();
            Percentiles latency = new Percentiles(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(), in.readLong());
            Double rss1 = readNullable(in.readDouble());
            Double rss50 = readNullable(in.readDouble());
            Double rss100 = readNullable(in.readDouble());
            int wordCount = in.readInt();
            // message numbers are ints (DeliveryLedger), so the set never needs more words than this
            if (wordCount < 0 || wordCount > Integer.MAX_VALUE / 64 + 1) {
                throw invalid(file, "a set of " + wordCount + " words");
            }
            long[] words = new long[wordCount];
            for (int i = 0; i < wordCount; i++) {
                words[i] = in.readLong();
            }
            if (in.read() != -1) {
                throw invalid(file, "bytes after the end");
            }
            BitSet sent = BitSet.valueOf(words);
            if (runId.isEmpty() || topic.isEmpty() || bodySize < 0 || failed < 0 || ok != sent.cardinality()) {
                throw invalid(file, "inconsistent contents (run '" + runId + "', topic '" + topic + "', "
                        + ok + " written, " + sent.cardinality() + " in the set)");
            }
            return new BacklogWritten(runId, topic, ownTopic, bodySize, sent, failed, firstError,
                    new SendLoop.Measurement(ok, seconds, latency), rss1, rss50, rss100);
        } catch (EOFException e) {
            throw invalid(file, "truncated");
        }
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s.length() > 1000 ? s.substring(0, 1000) : s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static Double readNullable(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static IOException invalid(Path file, String why) {
        return new IOException(file + " is not a usable backlog state: " + why);
    }
}
