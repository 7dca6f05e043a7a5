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

    // "C1 CompilerThread0", "C2 CompilerThread1" with numbers masked and the name cut at 15 characters
    private static final String COMPILER_THREADS = "C# CompilerThre";

    private static final String BENCH_JVM = "bench JVM (api + worker + model)";

    // /proc counts in USER_HZ ticks, 100 a second on every Linux this runs on
    private static final int MILLIS_PER_TICK = 10;

    private final Map<String, Duration> totals;
    private final Map<String, Map<String, Long>> serverThreadTicks;
    private final Map<String, Long> threadTicks;
    private final long jitMillis;

    private ProcessCpu(Map<String, Duration> totals, Map<String, Map<String, Long>> serverThreadTicks) {
        this.totals = totals;
        this.serverThreadTicks = serverThreadTicks;
        this.threadTicks = threadTicks(java.nio.file.Path.of("/proc/self/task"));
        this.jitMillis = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    }

    /** This JVM's total JIT compilation time when the snapshot was taken. */
    long jitMillis() {
        return jitMillis;
    }

    static ProcessCpu snapshot() {
        Map<String, Duration> totals = new LinkedHashMap<>();
        Map<String, Map<String, Long>> serverThreadTicks = new LinkedHashMap<>();
        totals.put(BENCH_JVM, ProcessHandle.current().info().totalCpuDuration()
                .orElse(Duration.ZERO));
        ProcessHandle.allProcesses().forEach(process -> {
            String line = process.info().commandLine().orElse("");
            for (Map.Entry<String, String> part : PARTS) {
                if (line.contains(part.getValue())) {
                    totals.merge(part.getKey(), process.info().totalCpuDuration().orElse(Duration.ZERO), Duration::plus);
                    Map<String, Long> threads = serverThreadTicks.computeIfAbsent(part.getKey(), k -> new java.util.HashMap<>());
                    threadTicks(java.nio.file.Path.of("/proc", String.valueOf(process.pid()), "task"))
                            .forEach((kind, ticks) -> threads.merge(kind, ticks, Long::sum));
                    break;
                }
            }
        });
        return new ProcessCpu(totals, serverThreadTicks);
    }

    private static long compilerTicks(Map<String, Long> threadTicks) {
        return ticksOf(threadTicks, kind -> kind.startsWith(COMPILER_THREADS));
    }

    // SerialGC collects in the VM thread (the local MongoDB server), the other collectors in GC threads
    private static long gcTicks(Map<String, Long> threadTicks) {
        return ticksOf(threadTicks, kind -> kind.equals("VM Thread") || kind.startsWith("GC Thread")
                || kind.startsWith("G# "));
    }

    private static long ticksOf(Map<String, Long> threadTicks, java.util.function.Predicate<String> kinds) {
        return threadTicks.entrySet().stream().filter(e -> kinds.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    /**
     * "part JIT ms GC ms, ..." of the servers' compiler and collector threads per image between
     * {@code before} and this snapshot: a server started shortly before the bench may still be
     * compiling in the timed phases, and a server's collector may cost more than its work.
     */
    String serversJitAndGcPerImageSince(ProcessCpu before, int images) {
        StringBuilder parts = new StringBuilder();
        for (Map.Entry<String, Map<String, Long>> e : serverThreadTicks.entrySet()) {
            Map<String, Long> was = before.serverThreadTicks.getOrDefault(e.getKey(), Map.of());
            double jit = (compilerTicks(e.getValue()) - compilerTicks(was)) * (double) MILLIS_PER_TICK / images;
            double gc = (gcTicks(e.getValue()) - gcTicks(was)) * (double) MILLIS_PER_TICK / images;
            parts.append(parts.isEmpty() ? "" : ", ")
                    .append(String.format(Locale.ROOT, "%s JIT %.1f GC %.1f", e.getKey(), jit, gc));
        }
        return parts.toString();
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

    /**
     * A process's CPU ticks by thread kind (name without its numbers), native threads included:
     * TensorFlow's pool, GC and JIT threads are not in {@code ThreadMXBean}. Linux only (empty
     * elsewhere); a thread that ended between two snapshots is left out.
     */
    private static Map<String, Long> threadTicks(java.nio.file.Path tasks) {
        Map<String, Long> ticks = new java.util.HashMap<>();
        if (!java.nio.file.Files.isDirectory(tasks)) {
            return ticks;
        }
        try (var dirs = java.nio.file.Files.list(tasks)) {
            dirs.forEach(dir -> {
                try {
                    String stat = java.nio.file.Files.readString(dir.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String kind = stat.substring(open + 1, close).replaceAll("[0-9]+", "#").replaceAll("[-#_ ]+$", "");
                    String[] fields = stat.substring(close + 2).split(" ");
                    // fields[11] and [12] are utime and stime (stat fields 14 and 15)
                    ticks.merge(kind, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                } catch (java.io.IOException | RuntimeException ended) {
                    // the thread ended while being read
                }
            });
        } catch (java.io.IOException e) {
            return ticks;
        }
        return ticks;
    }

    /** CPU ms of this JVM's JIT compiler threads (C1 and C2) between {@code before} and this snapshot. */
    long jitCpuMillisSince(ProcessCpu before) {
        return MILLIS_PER_TICK * (compilerTicks(threadTicks) - compilerTicks(before.threadTicks));
    }

    private long ticksSince(ProcessCpu before, String kind) {
        return threadTicks.get(kind) - before.threadTicks.getOrDefault(kind, 0L);
    }

    /** CPU ms of this whole JVM between {@code before} and this snapshot. */
    long benchJvmMillisSince(ProcessCpu before) {
        return totals.get(BENCH_JVM).minus(before.totals.get(BENCH_JVM)).toMillis();
    }

    /** "kind ms, ..." of this JVM's CPU per image by thread kind, the {@code top} largest. */
    String threadsPerImageSince(ProcessCpu before, int images, int top) {
        return threadTicks.keySet().stream()
                .map(kind -> Map.entry(kind, ticksSince(before, kind) * (double) MILLIS_PER_TICK / images))
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(top)
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", "));
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
