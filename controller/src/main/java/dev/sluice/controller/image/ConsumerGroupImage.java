package dev.sluice.controller.image;

/** Subscription settings of one consumer group. */
public record ConsumerGroupImage(String name, boolean fifo, int maxDeliveryAttempts, RetryPolicy retryPolicy) {
}
