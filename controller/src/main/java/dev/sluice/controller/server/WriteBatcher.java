package dev.sluice.controller.server;

import dev.sluice.controller.statemachine.RejectedCommandException;
import dev.sluice.proto.controller.v1.CommandResult;
import dev.sluice.proto.controller.v1.CommandResults;
import dev.sluice.proto.controller.v1.MetadataBatch;
import dev.sluice.proto.controller.v1.MetadataCommand;
import com.google.protobuf.InvalidProtocolBufferException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit for one node's writes. Each Raft entry costs a log write and an fsync on every
 * node plus a replication round, whatever it holds; one entry per write made concurrent writers
 * wait for each other's entries. So at most {@link #MAX_IN_FLIGHT} entries are on their way at a
 * time, and the writes that arrive meanwhile travel together in the next entry
 * ({@link MetadataBatch}). A lone write is sent at once, as before.
 *
 * <p>A batch that the leader refuses as a whole (one of its commands is invalid; nothing reached
 * the log) is sent again one command per entry, so each caller gets its own answer. Any other
 * failure is ambiguous — the entry may have been committed — and fails every caller; their
 * retries carry their request ids, so nothing is applied twice.
 */
final class WriteBatcher {

    static final int MAX_IN_FLIGHT = 2;
    /** Keeps one entry well below Ratis' message limit however large the commands. */
    static final int MAX_BATCH_BYTES = 1 << 20;

    private record Pending(MetadataCommand command, CompletableFuture<CommandResult> result) {
    }

    private final RaftClient raft;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    /** Guarded by {@code waiting}. */
    private int inFlight;

    WriteBatcher(RaftClient raft) {
        this.raft = raft;
    }

    /** Completes with the command's result, or fails as the Raft client call did. */
    CompletableFuture<CommandResult> submit(MetadataCommand command) {
        Pending pending = new Pending(command, new CompletableFuture<>());
        List<Pending> batch;
        synchronized (waiting) {
            waiting.add(pending);
            batch = nextBatch();
        }
        send(batch);
        return pending.result();
    }

    /** Takes the next entry's commands if another entry may go now; empty otherwise. */
    private List<Pending> nextBatch() {
        if (inFlight >= MAX_IN_FLIGHT || waiting.isEmpty()) {
            return List.of();
        }
        inFlight++;
        List<Pending> batch = new ArrayList<>();
        int bytes = 0;
        while (!waiting.isEmpty() && (batch.isEmpty() || bytes + waiting.peek().command().getSerializedSize()
                <= MAX_BATCH_BYTES)) {
            Pending next = waiting.poll();
            bytes += next.command().getSerializedSize();
            batch.add(next);
        }
        return batch;
    }

    private void send(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        MetadataCommand entry = batch.size() == 1 ? batch.get(0).command() : MetadataCommand.newBuilder()
                .setBatch(MetadataBatch.newBuilder().addAllCommands(batch.stream().map(Pending::command).toList()))
                .build();
        raft.async().send(Message.valueOf(ByteString.copyFrom(entry.toByteArray()))).whenComplete((reply, error) -> {
            settle(batch, reply, error);
            List<Pending> next;
            synchronized (waiting) {
                inFlight--;
                next = nextBatch();
            }
            send(next);
        });
    }

    private void settle(List<Pending> batch, RaftClientReply reply, Throwable error) {
        Throwable failure = error != null ? error : reply.isSuccess() ? null : reply.getException();
        if (failure == null) {
            try {
                List<CommandResult> results = resultsOf(reply, batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).result().complete(results.get(i));
                }
            } catch (RuntimeException unreadable) {
                batch.forEach(pending -> pending.result().completeExceptionally(unreadable));
            }
        } else if (batch.size() > 1 && refusedBeforeTheLog(failure)) {
            batch.forEach(this::sendAlone);
        } else {
            batch.forEach(pending -> pending.result().completeExceptionally(failure));
        }
    }

    private void sendAlone(Pending pending) {
        raft.async().send(Message.valueOf(ByteString.copyFrom(pending.command().toByteArray())))
                .whenComplete((reply, error) -> settle(List.of(pending), reply, error));
    }

    private static List<CommandResult> resultsOf(RaftClientReply reply, int commands) {
        byte[] content = reply.getMessage().getContent().toByteArray();
        try {
            List<CommandResult> results = commands == 1 ? List.of(CommandResult.parseFrom(content))
                    : CommandResults.parseFrom(content).getResultsList();
            if (results.size() != commands) {
                throw new IllegalStateException(results.size() + " results for " + commands + " commands");
            }
            return results;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("unreadable reply from the state machine", e);
        }
    }

    /** Validation refusals come back from {@code startTransaction}: the entry was never appended. */
    private static boolean refusedBeforeTheLog(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RejectedCommandException) {
                return true;
            }
        }
        return false;
    }
}
