package dev.sluice.controller.statemachine;

import dev.sluice.controller.image.ClusterImage;
import dev.sluice.controller.image.ImageChanges;
import dev.sluice.controller.image.ImageCodec;
import dev.sluice.proto.controller.v1.AppliedRequest;
import dev.sluice.proto.controller.v1.ChangeResponse;
import dev.sluice.proto.controller.v1.CommandResult;
import dev.sluice.proto.controller.v1.CommandResults;
import dev.sluice.proto.controller.v1.ElectionPolicy;
import dev.sluice.proto.controller.v1.MetadataBatch;
import dev.sluice.proto.controller.v1.MetadataCommand;
import dev.sluice.proto.controller.v1.MetadataSnapshot;
import dev.sluice.proto.controller.v1.Rejection;
import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The controller's Raft state machine: the cluster metadata image, changed only by applying
 * committed log entries in order.
 *
 * <p>Threading: Ratis calls {@link #startTransaction} on RPC threads of the leader and
 * {@link #applyTransaction}, {@link #takeSnapshot} and {@link #reinitialize} on its single
 * state-machine updater thread. The image itself is immutable and published through the
 * {@link MetadataJournal}, so readers on any thread see whole images.
 */
public final class MetadataStateMachine extends BaseStateMachine {

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    /** Guarded by {@code this}, like the last applied index it must stay consistent with. */
    private final AppliedRequests appliedRequests = new AppliedRequests();
    private final MetadataJournal journal;
    private final ElectionPolicy policy;
    private final LongSupplier clock;

    /**
     * @param policy stamped into every entry this node appends as leader
     * @param clock  leader time stamped into every entry; applying never reads it
     */
    public MetadataStateMachine(ElectionPolicy policy, LongSupplier clock, int deltaHistory) {
        this.policy = policy;
        this.clock = clock;
        this.journal = new MetadataJournal(deltaHistory);
    }

    public MetadataJournal journal() {
        return journal;
    }

    public ElectionPolicy policy() {
        return policy;
    }

    /** Prepares the snapshot directory and loads the newest snapshot; Ratis then replays the log after it. */
    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        reinitialize();
    }

    /** Reloads the newest snapshot, e.g. after the leader installed one on this follower. */
    @Override
    public void reinitialize() throws IOException {
        SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
        if (snapshot == null) {
            return;
        }
        Path file = snapshot.getFile().getPath();
        if (snapshot.getFile().getFileDigest() != null) {
            MD5FileUtil.verifySavedMD5(file.toFile(), snapshot.getFile().getFileDigest());
        }
        MetadataSnapshot loaded;
        try (InputStream in = Files.newInputStream(file)) {
            loaded = MetadataSnapshot.parseFrom(in);
        }
        synchronized (this) {
            journal.reset(ImageCodec.fromProto(loaded.getImage()));
            appliedRequests.replaceWith(loaded.getAppliedRequestsList());
            updateLastAppliedTermIndex(loaded.getTerm(), loaded.getIndex());
        }
        LOG.info("{}: loaded metadata snapshot {} (version {})", getId(), file, loaded.getImage().getVersion());
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /**
     * Writes the image as of the last applied entry; Ratis purges the log up to the returned index.
     * The file is written aside and moved into place so a crash never leaves a half snapshot.
     */
    @Override
    public long takeSnapshot() throws IOException {
        ClusterImage image;
        TermIndex applied;
        List<AppliedRequest> requests;
        synchronized (this) {
            image = journal.image();
            applied = getLastAppliedTermIndex();
            requests = appliedRequests.toProto();
        }
        if (applied == null || applied.getIndex() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        Path target = storage.getSnapshotFile(applied.getTerm(), applied.getIndex()).toPath();
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        MetadataSnapshot snapshot = MetadataSnapshot.newBuilder().setTerm(applied.getTerm())
                .setIndex(applied.getIndex()).setImage(ImageCodec.toProto(image)).addAllAppliedRequests(requests)
                .build();
        try (OutputStream out = Files.newOutputStream(partial)) {
            snapshot.writeTo(out);
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        var md5 = MD5FileUtil.computeAndSaveMd5ForFile(target.toFile());
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(target, md5), applied));
        return applied.getIndex();
    }

    /**
     * Runs on the leader before the entry is appended: stamps time and election policy into the
     * command and validates it against the latest image, so refused requests never reach the log.
     * A repeat of an applied request id is not validated (the first attempt may have made it
     * invalid, e.g. ALREADY_EXISTS): it goes to the log and is answered with the first outcome.
     * A batch is refused as a whole if any of its commands would be, judged one after the other
     * as they will be applied; the sender then sends its commands one by one.
     */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        MetadataCommand stamped;
        try {
            stamped = stamp(MetadataCommand.parseFrom(request.getMessage().getContent().toByteArray()));
        } catch (InvalidProtocolBufferException e) {
            TransactionContext refused = TransactionContext.newBuilder().setStateMachine(this)
                    .setClientRequest(request).build();
            refused.setException(new RejectedCommandException(RejectionCode.INVALID_ARGUMENT,
                    "not a metadata command: " + e.getMessage()));
            return refused;
        }
        TransactionContext transaction = TransactionContext.newBuilder().setStateMachine(this)
                .setClientRequest(request).setLogData(ByteString.copyFrom(stamped.toByteArray())).build();
        try {
            ClusterImage image = journal.image();
            for (MetadataCommand command : commandsOf(stamped)) {
                image = validate(image, command);
            }
        } catch (RejectedCommandException e) {
            transaction.setException(e);
        }
        return transaction;
    }

    private MetadataCommand stamp(MetadataCommand command) {
        MetadataCommand.Builder stamped = command.toBuilder().setTimestampMs(clock.getAsLong()).setPolicy(policy);
        if (command.hasBatch()) {
            MetadataBatch.Builder batch = MetadataBatch.newBuilder();
            command.getBatch().getCommandsList().forEach(inner -> batch.addCommands(stamp(inner)));
            stamped.setBatch(batch);
        }
        return stamped.build();
    }

    private static List<MetadataCommand> commandsOf(MetadataCommand entry) {
        return entry.hasBatch() ? entry.getBatch().getCommandsList() : List.of(entry);
    }

    /** The image after {@code command}, for judging the commands after it in the same batch. */
    private ClusterImage validate(ClusterImage image, MetadataCommand command) throws RejectedCommandException {
        if (command.getRequestId().length() > AppliedRequests.MAX_REQUEST_ID_LENGTH) {
            throw new RejectedCommandException(RejectionCode.INVALID_ARGUMENT,
                    "request id longer than " + AppliedRequests.MAX_REQUEST_ID_LENGTH + " characters");
        }
        if (isRepeat(command)) {
            return image;
        }
        CommandApplier.Outcome outcome = CommandApplier.apply(image, command);
        return outcome.delta().isEmpty() ? image : outcome.delta().apply();
    }

    /** Applies one committed entry. A refusal decided here leaves the image unchanged on every node. */
    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        MetadataCommand command;
        try {
            command = MetadataCommand.parseFrom(entry.getStateMachineLogEntry().getLogData().toByteArray());
        } catch (InvalidProtocolBufferException e) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("unreadable metadata entry at " + TermIndex.valueOf(entry), e));
        }
        Message reply;
        synchronized (this) {
            if (command.hasBatch()) {
                CommandResults.Builder results = CommandResults.newBuilder();
                command.getBatch().getCommandsList().forEach(inner -> results.addResults(applyOnce(inner)));
                reply = Message.valueOf(ByteString.copyFrom(results.build().toByteArray()));
            } else {
                reply = Message.valueOf(ByteString.copyFrom(applyOnce(command).toByteArray()));
            }
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        return CompletableFuture.completedFuture(reply);
    }

    /** Applies a command unless its request id was applied before; then answers with that outcome. */
    private CommandResult applyOnce(MetadataCommand command) {
        String requestId = command.getRequestId();
        Optional<CommandResult> first = requestId.isEmpty() ? Optional.empty() : appliedRequests.outcome(requestId);
        if (first.isPresent()) {
            return first.get();
        }
        CommandResult result = applyToJournal(command);
        if (!requestId.isEmpty()) {
            appliedRequests.record(requestId, command.getTimestampMs(), result);
        }
        return result;
    }

    private synchronized boolean isRepeat(MetadataCommand command) {
        return !command.getRequestId().isEmpty() && appliedRequests.contains(command.getRequestId());
    }

    private CommandResult applyToJournal(MetadataCommand command) {
        ClusterImage before = journal.image();
        CommandApplier.Outcome outcome;
        try {
            outcome = CommandApplier.apply(before, command);
        } catch (RejectedCommandException e) {
            return CommandResult.newBuilder().setRejection(
                    Rejection.newBuilder().setCode(e.code().name()).setMessage(e.detail())).build();
        }
        ClusterImage after = before;
        if (!outcome.delta().isEmpty()) {
            ImageChanges changes = outcome.delta().changes();
            after = before.applying(changes);
            journal.publish(after, changes);
        }
        ChangeResponse.Builder change = ChangeResponse.newBuilder().setVersion(after.version());
        outcome.brokerGroup().map(after.brokerGroups()::get).map(ImageCodec::toProto)
                .ifPresent(change::setBrokerGroup);
        outcome.topic().map(after.topics()::get).map(ImageCodec::toProto).ifPresent(change::setTopic);
        return CommandResult.newBuilder().setChange(change).build();
    }

    /** Read-only requests: every query returns the current image. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        byte[] image = ImageCodec.toProto(journal.image()).toByteArray();
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(image)));
    }
}
