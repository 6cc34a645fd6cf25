package dev.sluice.bench;

/** One benchmark: drives a target for a bounded time and reports its figures. */
public interface Scenario {

    String name();

    CommonOptions common();

    Report run(Target target) throws Exception;
}
