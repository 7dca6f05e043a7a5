package dev.aegis.inference.bench;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CPU time of the local stack's processes, by part, so the bench can say where a phase's CPU
 * went (per image): on one 2-core machine the servers' work and the model's share the cores,
 * and the pipeline's throughput is bounded by their sum, not by any single stage.
 */
final class ProcessCpu {

    private static final List<Map.Entry<String, String>> PARTS = List.of(
            Map.entry("kafka", "kafka.Kafka"),
            Map.entry("mongo", "MongoMain"),
            Map.entry("s3", "s3proxy"),
            Map.entry("history", "history-service"),
            Map.entry("adversarial", "adversarial-service"),
            Map.entry("gateway", "gateway-"),
            Map.entry("keycloak", "keycloak"));

    private static final String BENCH_JVM = "bench JVM (api + worker + model)";

    private final Map<String, Duration> totals;
    private final long jitMillis;

    private ProcessCpu(Map<String, Duration> totals) {
        this.totals = totals;
        this.jitMillis = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** This JVM's total JIT compilation time when the snapshot was taken. */
    long jitMillis() {
        return jitMillis;
    }

    static ProcessCpu snapshot() {
        Map<String, Duration> totals = new LinkedHashMap<>();
        totals.put(BENCH_JVM, ProcessHandle.current().info().totalCpuDuration()
                .orElse(Duration.ZERO));
        ProcessHandle.allProcesses().forEach(process -> {
            String line = process.info().commandLine().orElse("");
            for (Map.Entry<String, String> part : PARTS) {
                if (line.contains(part.getValue())) {
                    totals.merge(part.getKey(), process.info().totalCpuDuration().orElse(Duration.ZERO), Duration::plus);
                    break;
                }
            }
        });
        return new ProcessCpu(totals);
    }

    /** CPU ms per image of this JVM alone between {@code before} and this snapshot. */
    double benchJvmPerImageSince(ProcessCpu before, int images) {
        return msPerImage(before, BENCH_JVM, images);
    }

    /** CPU ms per image of every other process (the servers) between {@code before} and this snapshot. */
    double othersPerImageSince(ProcessCpu before, int images) {
        return totals.keySet().stream().filter(part -> !part.equals(BENCH_JVM))
                .mapToDouble(part -> msPerImage(before, part, images)).sum();
    }

    private double msPerImage(ProcessCpu before, String part, int images) {
        return (totals.get(part).toNanos() - before.totals.getOrDefault(part, Duration.ZERO).toNanos()) / 1e6 / images;
    }

    /** "part ms, ..." of CPU per image between {@code before} and this snapshot. */
    String perImageSince(ProcessCpu before, int images) {
        double sum = 0;
        StringBuilder parts = new StringBuilder();
        for (Map.Entry<String, Duration> e : totals.entrySet()) {
            double ms = msPerImage(before, e.getKey(), images);
            sum += ms;
            parts.append(String.format(Locale.ROOT, "%s %.1f, ", e.getKey(), ms));
        }
        return String.format(Locale.ROOT, "%stotal %.1f", parts, sum);
    }
}
