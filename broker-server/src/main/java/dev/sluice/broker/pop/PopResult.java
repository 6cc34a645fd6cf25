package dev.sluice.broker.pop;

import java.util.List;

/** What one pop on one queue produced: messages to deliver and messages to dead-letter. */
record PopResult(List<Claim> claims, List<DeadLetter> deadLetters) {
}
