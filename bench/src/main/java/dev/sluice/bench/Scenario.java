package dev.sluice.bench;

import java.util.concurrent.Callable;

/**
 * One benchmark: drives a target for a bounded time and reports its figures. As a picocli
 * command it runs through the {@link Runner}, which handles warm-up, rounds and comparisons.
 */
public interface Scenario extends Callable<Integer> {

    @Override
    default Integer call() throws Exception {
        new Runner(System.out).run(this);
        return 0;
    }

    String name();

    CommonOptions common();

    Report run(Target target) throws Exception;
}
