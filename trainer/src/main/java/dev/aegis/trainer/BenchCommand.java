package dev.aegis.trainer;

import picocli.CommandLine.Command;

/** {@code ./aegis bench ...}: measurements that are not part of the build. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks and studies.",
        subcommands = {RobustnessBench.class})
final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
