package dev.sluice.controller.server;

import dev.sluice.controller.statemachine.MetadataJournal;
import dev.sluice.proto.controller.v1.LivenessCheck;
import dev.sluice.proto.controller.v1.MetadataCommand;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Leader-side failure detection. On the Raft leader it notices brokers whose last heartbeat is
 * older than the timeout and submits a {@link LivenessCheck} entry; which brokers go down, and
 * who leads their groups next, is decided when that entry is applied, from the log alone.
 *
 * <p>A freshly elected leader waits one full timeout before its first check: brokers could not
 * heartbeat while there was no leader, and must not be declared dead for the controller's outage.
 */
final class LivenessTicker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LivenessTicker.class);
    private static final byte[] CHECK =
            MetadataCommand.newBuilder().setLivenessCheck(LivenessCheck.getDefaultInstance()).build().toByteArray();

    private final RaftServer.Division division;
    private final RaftClient raft;
    private final MetadataJournal journal;
    private final long timeoutMs;
    private final LongSupplier clock;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private long leaderTerm = -1;
    private long leaderSinceMs;

    LivenessTicker(RaftServer.Division division, RaftClient raft, MetadataJournal journal, Duration timeout,
                   LongSupplier clock) {
        this.division = division;
        this.raft = raft;
        this.journal = journal;
        this.timeoutMs = timeout.toMillis();
        this.clock = clock;
    }

    /** Called periodically from one scheduler thread. */
    @Override
    public void run() {
        DivisionInfo info = division.getInfo();
        long now = clock.getAsLong();
        if (!info.isLeaderReady()) {
            leaderTerm = -1;
            return;
        }
        if (info.getCurrentTerm() != leaderTerm) {
            leaderTerm = info.getCurrentTerm();
            leaderSinceMs = now;
        }
        if (now - leaderSinceMs < timeoutMs || !anyBrokerOverdue(now) || !inFlight.compareAndSet(false, true)) {
            return;
        }
        raft.async().send(Message.valueOf(ByteString.copyFrom(CHECK))).whenComplete((reply, error) -> {
            inFlight.set(false);
            if (error != null) {
                LOG.warn("liveness check was not committed; the next tick retries", error);
            }
        });
    }

    private boolean anyBrokerOverdue(long now) {
        return journal.image().brokers().values().stream()
                .anyMatch(broker -> broker.alive() && now - broker.lastHeartbeatMs() > timeoutMs);
    }
}
