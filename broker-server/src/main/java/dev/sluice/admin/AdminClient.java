package dev.sluice.admin;

import dev.sluice.proto.admin.v1.AdminGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * A connection to a Sluice admin API. Each {@link #call()} gets a stub with its own 10 s
 * deadline, so a dead or stuck server fails the command instead of hanging it.
 */
public final class AdminClient implements AutoCloseable {

    public static final long DEADLINE_SECONDS = 10;

    private final ManagedChannel channel;
    private final AdminGrpc.AdminBlockingStub stub;

    public AdminClient(ManagedChannel channel) {
        this.channel = channel;
        this.stub = AdminGrpc.newBlockingStub(channel);
    }

    /** Plaintext connection to {@code host:port}. */
    public static AdminClient connect(String hostAndPort) {
        return new AdminClient(ManagedChannelBuilder.forTarget(hostAndPort).usePlaintext().build());
    }

    /** A stub for one call; its deadline starts now. */
    public AdminGrpc.AdminBlockingStub call() {
        return stub.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
