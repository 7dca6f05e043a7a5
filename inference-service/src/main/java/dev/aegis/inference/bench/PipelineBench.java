package dev.aegis.inference.bench;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

import dev.aegis.events.CloudEvent;
import dev.aegis.events.EventTypes;
import dev.aegis.events.ModelActivated;
import dev.aegis.events.ModelRef;
import dev.aegis.events.Topics;
import dev.aegis.inference.InferenceApplication;
import dev.aegis.inference.messaging.EventPublisher;
import dev.aegis.inference.model.ModelRegistry;
import dev.aegis.inference.prediction.PredictionDocument;
import dev.aegis.inference.prediction.PredictionService;
import dev.aegis.inference.prediction.PredictionStatus;
import dev.aegis.inference.upload.ImageValidator;
import dev.aegis.inference.upload.UploadStore;
import dev.aegis.inference.upload.ValidatedImage;
import dev.aegis.inference.worker.ActiveModel;
import dev.aegis.inference.worker.DynamicBatcher;
import dev.aegis.model.Model;
import dev.aegis.model.ModelCard;
import dev.aegis.model.detect.AdversarialDetector;
import dev.aegis.model.image.Pixels;
import dev.aegis.model.train.Architecture;
import dev.aegis.model.train.TrainableNetwork;
import dev.aegis.model.train.TrainingConfig;
import reactor.core.publisher.Flux;

/**
 * {@code ./aegis bench pipeline}: on the running local stack (Kafka, S3, MongoDB from the usual
 * properties), starts this service in-process (api + worker) with the registry's active model
 * and measures, side by side in one JVM:
 * <ul>
 *   <li>{@code raw_images_per_s}: the loaded model called directly, batched (preprocess +
 *       predict + detector: the same work the worker does per image);</li>
 *   <li>{@code pipeline_images_per_s}: N images submitted concurrently through the API role's
 *       service (object storage, MongoDB, Kafka request) until each result event was applied
 *       (Kafka result -> status DONE), with dynamic batching;</li>
 *   <li>{@code batching_speedup}: that pipeline throughput over the same run with the batch-size-1
 *       worker (the worker as deployed with {@code batch.max-size=1}: one record per poll, its
 *       result acknowledged and offset committed before the next, one image per model call);</li>
 *   <li>{@code p50_overhead_ms}: median latency of one request at a time through the pipeline on
 *       an idle stack (each request {@code bench.pace-ms}, 200 ms, after the previous one ended, so
 *       that one's tail - record write, history copy, commits - is over) minus the median of the
 *       raw single-image call timed the same way, the two alternating in one phase;
 *       {@code p50_overhead_back_to_back_ms} is the same
 *       without the pause, against the raw call back to back.</li>
 *   <li>{@code raw_cpu_ms_per_image}, {@code pipeline_service_cpu_ms_per_image} and
 *       {@code pipeline_servers_cpu_ms_per_image}: CPU time per image of this JVM in the raw
 *       batched phase, of this JVM (api + worker + model) in the batched pipeline phase, and of
 *       every other local process (Kafka, MongoDB, S3, the other services) in that phase;
 *       {@code service_cpu_ratio} is the first over the second. Here every process shares the
 *       same cores, so the throughput ratio is bounded by model / (service + servers); with the
 *       servers on machines of their own (the Kubernetes layout) the bound is this CPU ratio. It
 *       is CPU accounting, not a throughput measured that way.</li>
 * </ul>
 * The throughput phases (raw batched, raw at batch 1, pipeline batched, pipeline batch-1) run in
 * {@code bench.rounds} (3) rounds, one after the other in each; the JSON line has the medians of
 * the rounds, the ratio and the speedup taken within each round, and the per-round values.
 * Every timed phase, raw and pipeline, follows an untimed warm-up of the paths they time, so that
 * both measure a steady JVM, not one still compiling: rounds for at least
 * {@code bench.warm-up-seconds} (180 s), then until a round in which the JIT compiler threads
 * took under {@code bench.warm-up-jit-percent} (3 %) of this JVM's CPU, at most
 * {@code bench.warm-up-max-seconds} (480 s). The concurrent phases print the CPU time each local
 * process spent per image, and this JVM's by kind of thread: TensorFlow's pool, the compiler,
 * Kafka's and the HTTP clients' ({@link ProcessCpu}).
 * HTTP and token validation are not in the measured path (they do not depend on this design).
 * Prints one JSON line last. Not part of the build's tests: it needs the local stack.
 * <p>
 * {@code -Dbench.model=efficientnet} runs the same measurement with another model instead of the
 * registry's active one: model-runtime's EfficientNet-B0-style network (width 0.5, one block per
 * stage) at 224x224; {@code efficientnet-full} the published B0 at full width and depth, the
 * seed's model size. Untrained weights (the timing does not depend on them), exported, registered
 * and activated like any version for the run; the previously active version is activated again at
 * the end. The demo model costs a few ms per image, so its figures mostly measure the pipeline's
 * own overhead; the heavier model shows what the same pipeline does when the model is the
 * expensive part.
 */
public final class PipelineBench {

    /** Untimed rounds (batched, batch-1, single requests) before any phase is timed: at least this long, */
    private static final Duration WARM_UP = Duration.ofSeconds(Integer.getInteger("bench.warm-up-seconds", 180));

    /** then until a round whose JIT compiling took less than this share of this JVM's CPU, */
    private static final double WARM_UP_JIT_PERCENT = Double.parseDouble(System.getProperty("bench.warm-up-jit-percent", "3"));

    /** but no longer than this. */
    private static final Duration WARM_UP_MAX = Duration.ofSeconds(Integer.getInteger("bench.warm-up-max-seconds", 480));

    /** The history service's collection in the shared local database (its HistoryRecord.COLLECTION). */
    private static final String HISTORY_COLLECTION = "history";

    /** What the requests carry: {@code photos} (the demo data set as JPEG) or {@code noise} (PNG); see {@link #inputFiles}. */
    private static final String INPUTS = System.getProperty("bench.inputs", "photos");

    /** Timed rounds of the throughput phases (raw batched and batch-1, pipeline batched and batch-1); the JSON line has their medians. */
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

    /** Images of each round's raw batch-1 phase. */
    private static final int RAW_BATCH_ONE_IMAGES = 256;

    /** Idle time between the warm-up and the idle-stack phases. */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    /** Pause before each request of the idle-stack latency phase. */
    private static final Duration PACE = Duration.ofMillis(Integer.getInteger("bench.pace-ms", 200));

    private PipelineBench() {
    }

    public static void main(String[] args) throws Exception {
        int images = Integer.getInteger("bench.images", 1024);
        int sequential = Integer.getInteger("bench.sequential", 40);
        if (ROUNDS < 1) {
            throw new IllegalArgumentException("bench.rounds must be at least 1");
        }
        List<String> springArgs = new ArrayList<>(Arrays.asList(args));
        springArgs.add("--server.port=0");
        springArgs.add("--spring.profiles.active=api,worker");
        springArgs.add("--logging.level.root=WARN");
        // own consumer groups: the bench's results must reach this process, not a running service
        String run = UUID.randomUUID().toString().substring(0, 8);
        springArgs.add("--aegis.inference.worker-group=bench-worker-" + run);
        springArgs.add("--aegis.inference.api-group=bench-api-" + run);
        // new groups start at the end: from offset 0 they would first redo every request (and
        // re-read every result) the topics ever held, and time that backlog instead of the bench
        springArgs.add("--spring.kafka.consumer.auto-offset-reset=latest");
        int status = 0;
        try (ConfigurableApplicationContext context = SpringApplication.run(
                new Class<?>[] {InferenceApplication.class, MongoCommandCounter.class}, springArgs.toArray(String[]::new))) {
            String user = "bench-" + UUID.randomUUID();
            ModelRef previous = null;
            try {
                String benchModel = System.getProperty("bench.model", "active");
                if ("efficientnet".equals(benchModel)) {
                    previous = activateEfficientNet(context, Architecture.EFFICIENTNET_B0, "b0-224");
                } else if ("efficientnet-full".equals(benchModel)) {
                    previous = activateEfficientNet(context, Architecture.EFFICIENTNET_B0_FULL, "b0-full-224");
                } else if (!"active".equals(benchModel)) {
                    throw new IllegalArgumentException("bench.model must be active, efficientnet or efficientnet-full");
                }
                run(context, user, images, sequential);
            } finally {
                if (previous != null) {
                    activate(context, previous);
                }
                // a failed run must not leave PENDING requests for the stack's own worker to redo
                context.getBean(UploadStore.class).deleteAll(user).block(Duration.ofMinutes(2));
                context.getBean(PredictionService.class).deleteAll(user).block(Duration.ofMinutes(2));
                // and the history service's copies (thousands a run; 88k of them had piled up and
                // slowed the local MongoDB server). That service is where erasures start - its API
                // deletes, then publishes the erasure event for the others - and it does not consume
                // the event, which is what this bench published before; the bench has no token for
                // that API, so it removes them from the shared local MongoDB itself, after the
                // history service's last copies had time to land
                Thread.sleep(SETTLE.toMillis());
                long removed = context.getBean(org.springframework.data.mongodb.core.ReactiveMongoTemplate.class)
                        .remove(org.springframework.data.mongodb.core.query.Query.query(
                                org.springframework.data.mongodb.core.query.Criteria.where("userId").is(user)),
                                HISTORY_COLLECTION)
                        .map(com.mongodb.client.result.DeleteResult::getDeletedCount).block(Duration.ofMinutes(5));
                System.err.printf(Locale.ROOT, "[bench] removed the bench user's %d history records%n", removed);
            }
        } catch (Exception | Error e) {
            e.printStackTrace();
            status = 1;
        }
        // Kafka and OkHttp threads would keep the JVM alive for a while after main
        System.exit(status);
    }

    private static void run(ConfigurableApplicationContext context, String user, int count, int sequential)
            throws Exception {
        ActiveModel active = context.getBean(ActiveModel.class);
        DynamicBatcher batcher = context.getBean(DynamicBatcher.class);
        PredictionService predictions = context.getBean(PredictionService.class);
        ImageValidator validator = context.getBean(ImageValidator.class);
        int maxBatch = context.getEnvironment().getProperty("aegis.inference.batch.max-size", Integer.class, 32);
        if (active.await(Duration.ofMinutes(3)) == null) {
            throw new IllegalStateException("no active model in the registry: run ./aegis up (which registers the demo model)");
        }
        Model model = active.current().model();
        AdversarialDetector detector = active.current().detector();
        List<ValidatedImage> inputs = new ArrayList<>();
        List<byte[]> files = inputFiles(model, count + 2 * sequential + 3 * count + 3);
        for (int i = 0; i < files.size(); i++) {
            inputs.add(validator.validate("bench-" + i, files.get(i)));
        }
        System.err.printf(Locale.ROOT, "[bench] inputs: %d images (%s), %dx%d, mean %.1f kB%n", files.size(),
                INPUTS, inputs.get(0).width(), inputs.get(0).height(),
                files.stream().mapToInt(f -> f.length).average().orElse(0) / 1000);
        List<BufferedImage> decoded = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            decoded.add(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(inputs.get(i).bytes())));
        }

        // warm-up: the consumer groups must own their partitions before anything is timed; a
        // request sent before its group's first position lookup is skipped (latest), so retry
        awaitAssignment(context.getBean(KafkaListenerEndpointRegistry.class), "inference-worker", "inference-results");
        int warmed = 0;
        for (int attempt = 0; warmed < 3; attempt++) {
            if (attempt == 20) {
                throw new IllegalStateException("the in-process worker answered none of 20 warm-up requests");
            }
            PredictionDocument warm = predictions.submit(user, inputs.get(count + warmed)).block();
            PredictionDocument answered = predictions.await(user, warm.id(), Duration.ofSeconds(20)).block();
            if (answered != null && answered.status() == PredictionStatus.DONE) {
                warmed++;
            }
        }

        // Warm-up, untimed, like JMH's warm-up iterations: this JVM is seconds old, and what a
        // service that has been up for a while no longer does - C2 compiling Kafka's, MongoDB's,
        // Reactor's and Jackson's code - took a third of its CPU in the first concurrent rounds
        // (perf), and still 1.1-2.3 s of JIT compiling (elapsed, all compiler threads) inside a
        // 2-3 s measured batched phase after 60 s of warm-up, and after 180 s the compiler threads
        // still took 8-10 % (B0) to 17-22 % (demo model) of this JVM's CPU per round, under 3 %
        // only after 232-431 s: hence rounds until the compiler is quiet. Every path the timed phases take runs here: the
        // batched and the batch-1 worker with as many images as their timed phases, and single
        // requests one at a time. The raw phases come after it too, so both sides run on the same
        // steady JVM and settled machine.
        List<ValidatedImage> warmUp = inputs.subList(3 * count + 2 * sequential + 3, 4 * count + 2 * sequential + 3);
        KafkaListenerEndpointRegistry listeners = context.getBean(KafkaListenerEndpointRegistry.class);
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        long warmUpStart = System.nanoTime();
        double jitPercent = 100;
        int round = 1;
        for (; System.nanoTime() - warmUpStart < WARM_UP.toNanos()
                || (jitPercent >= WARM_UP_JIT_PERCENT && System.nanoTime() - warmUpStart < WARM_UP_MAX.toNanos()); round++) {
            long compiledBefore = jit.getTotalCompilationTime();
            ProcessCpu roundCpu0 = ProcessCpu.snapshot();
            long start = System.nanoTime();
            concurrent("warm-up " + round + ", batched (not counted)", predictions, user, warmUp);
            workerPollSize(listeners, 1);
            batcher.maxSize(1);
            concurrent("warm-up " + round + ", batch-1 (not counted)", predictions, user, warmUp);
            batcher.maxSize(maxBatch);
            workerPollSize(listeners, maxBatch);
            for (ValidatedImage image : warmUp.subList(0, Math.min(10, warmUp.size()))) {
                PredictionDocument doc = predictions.submit(user, image).block();
                require(predictions.await(user, doc.id(), Duration.ofSeconds(60)).block());
            }
            // the raw phases' calls too, so that the compiler's quiet round covers every timed path
            // (the first timed batched phase still had 0.4-0.7 s of compiling in 4 of 6 runs, with
            // or without these calls and with code cache flushing off: cause not found)
            raw(model, detector, decoded, maxBatch);
            for (int i = 0; i < 10; i++) {
                raw(model, detector, List.of(decoded.get(i % decoded.size())), 1);
            }
            ProcessCpu roundCpu1 = ProcessCpu.snapshot();
            jitPercent = 100.0 * roundCpu1.jitCpuMillisSince(roundCpu0) / Math.max(1, roundCpu1.benchJvmMillisSince(roundCpu0));
            System.err.printf(Locale.ROOT, "[bench] warm-up %d: JIT compiling (elapsed, all compiler threads) %.0f%%"
                    + " of the round; compiler threads' CPU %d ms, %.1f%% of this JVM's; servers' compiler and GC threads,"
                    + " ms per image: %s%n", round,
                    100 * (jit.getTotalCompilationTime() - compiledBefore) / ((System.nanoTime() - start) / 1e6),
                    roundCpu1.jitCpuMillisSince(roundCpu0), jitPercent,
                    roundCpu1.serversJitAndGcPerImageSince(roundCpu0, 2 * warmUp.size()));
        }
        double warmUpSeconds = seconds(warmUpStart);
        System.err.printf(Locale.ROOT, "[bench] warm-up: %d rounds in %.0f s, %s%n", round - 1, warmUpSeconds,
                jitPercent < WARM_UP_JIT_PERCENT ? String.format(Locale.ROOT, "the last with JIT compiling under %.0f%% of the CPU", WARM_UP_JIT_PERCENT)
                        : String.format(Locale.ROOT, "stopped at bench.warm-up-max-seconds with JIT compiling still at %.1f%% of the CPU", jitPercent));
        // the warm-up's tail (the history service's copies, offset commits) ends before the idle-stack phase
        Thread.sleep(SETTLE.toMillis());

        // Timed rounds, each running one after the other: the raw model batched and at batch 1,
        // the pipeline with dynamic batching, the batch-size-1 pipeline. One pass of each can land
        // on a busy moment of the machine (the raw model alone gave 82.6 to 105.3 img/s from run
        // to run, and a batch-32 loop outside the bench 94 to 119 img/s in passes 12 s apart), so
        // each ratio is taken within a round, its sides seconds apart, and the JSON line reports
        // the rounds' medians.
        raw(model, detector, decoded.subList(0, Math.min(maxBatch, decoded.size())), maxBatch);
        io.micrometer.core.instrument.MeterRegistry meters = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        List<ValidatedImage> batchedInputs = inputs.subList(count + sequential + 3, count + sequential + count + 3);
        List<ValidatedImage> batchOneInputs = inputs.subList(count + sequential + count + 3, count + sequential + 2 * count + 3);
        List<Round> rounds = new ArrayList<>();
        for (int r = 1; r <= ROUNDS; r++) {
            // the previous round's tail (the history service's copies, offset commits) would
            // otherwise run beside the raw phase
            Thread.sleep(SETTLE.toMillis());
            Round timed = round(r, context, model, detector, decoded, maxBatch, batchedInputs, batchOneInputs, user);
            rounds.add(timed);
            System.err.printf(Locale.ROOT, "[bench] round %d: raw %.1f img/s, pipeline %.1f img/s (ratio %.3f),"
                            + " batch-1 %.1f img/s (speedup %.2f; the raw model's %.1f img/s at batch 1, %.2f)%n", r,
                    timed.raw(), timed.pipeline(), timed.pipeline() / timed.raw(), timed.batchOne(),
                    timed.pipeline() / timed.batchOne(), timed.rawBatchOne(), timed.raw() / timed.rawBatchOne());
        }
        double rawPerSecond = median(rounds, Round::raw);
        double pipelinePerSecond = median(rounds, Round::pipeline);
        double batchOnePerSecond = median(rounds, Round::batchOne);
        double ratio = median(rounds, r -> r.pipeline() / r.raw());
        double speedup = median(rounds, r -> r.pipeline() / r.batchOne());
        double rawCpuPerImage = median(rounds, Round::rawCpu);
        double serviceCpuPerImage = median(rounds, Round::serviceCpu);
        double serversCpuPerImage = median(rounds, Round::serversCpu);
        double rawBatchOnePerSecond = median(rounds, Round::rawBatchOne);
        double rawBatchingSpeedup = median(rounds, r -> r.raw() / r.rawBatchOne());

        // the concurrent phases' tail ends before the idle-stack phases
        Thread.sleep(SETTLE.toMillis());

        // single images back to back: the raw side of p50_overhead_back_to_back_ms
        double[] rawSingle = new double[sequential];
        for (int i = 0; i < sequential; i++) {
            long s = System.nanoTime();
            raw(model, detector, List.of(decoded.get(i % decoded.size())), 1);
            rawSingle[i] = (System.nanoTime() - s) / 1e6;
        }

        // pipeline, idle stack, one request at a time
        double[] pipelineSingle = new double[sequential];
        double[] submitSingle = new double[sequential];
        List<PredictionDocument> singles = new ArrayList<>();
        double[] stagesBefore = stageTotals(meters);
        long sequentialStart = System.nanoTime();
        for (int i = 0; i < sequential; i++) {
            long s = System.nanoTime();
            PredictionDocument doc = predictions.submit(user, inputs.get(count + 3 + i)).block();
            submitSingle[i] = (System.nanoTime() - s) / 1e6;
            PredictionDocument done = predictions.await(user, doc.id(), Duration.ofSeconds(60)).block();
            require(done);
            pipelineSingle[i] = (System.nanoTime() - s) / 1e6;
            singles.add(done);
        }
        stages("one at a time", singles, seconds(sequentialStart));
        double[] stagesAfter = stageTotals(meters);
        stageMeans("one at a time", stagesBefore, stagesAfter);
        System.err.printf(Locale.ROOT, "[bench] one at a time, p50 ms: submit (S3 put + record + request event) %.1f,"
                + " submit -> DONE seen by the caller %.1f, total %.1f%n", median(submitSingle),
                median(pipelineSingle) - median(submitSingle), median(pipelineSingle));

        // the same, each request on an idle stack: back to back, a request starts while the
        // previous one's tail (its record write, the history service's copy, offset commits)
        // still runs on the same 2 cores; a pause lets that finish first
        int pacedFrom = count + 2 * count + sequential + 3;
        double[] pacedSingle = new double[sequential];
        double[] pacedSubmit = new double[sequential];
        List<PredictionDocument> paced = new ArrayList<>();
        double[] pacedBefore = stageTotals(meters);
        long pacedStart = System.nanoTime();
        // single images on an idle machine, the raw call and the request alternately, each after
        // a pause (then TensorFlow's threads and the caches are cold, which costs the model, not
        // the pipeline): both sides see the same machine. Raw calls timed in a phase of their own
        // were 24-37 ms p50 for the B0 from run to run, more than the overhead being measured.
        double[] rawPaced = new double[sequential];
        for (int i = 0; i < sequential; i++) {
            Thread.sleep(PACE.toMillis());
            long r = System.nanoTime();
            raw(model, detector, List.of(decoded.get(i % decoded.size())), 1);
            rawPaced[i] = (System.nanoTime() - r) / 1e6;
            Thread.sleep(PACE.toMillis());
            long s = System.nanoTime();
            PredictionDocument doc = predictions.submit(user, inputs.get(pacedFrom + i)).block();
            pacedSubmit[i] = (System.nanoTime() - s) / 1e6;
            PredictionDocument done = predictions.await(user, doc.id(), Duration.ofSeconds(60)).block();
            require(done);
            pacedSingle[i] = (System.nanoTime() - s) / 1e6;
            paced.add(done);
        }
        stages("one at a time, " + PACE.toMillis() + " ms apart (raw calls between)", paced, seconds(pacedStart));
        stageMeans("one at a time, " + PACE.toMillis() + " ms apart", pacedBefore, stageTotals(meters));
        System.err.printf(Locale.ROOT, "[bench] one at a time, %d ms apart, p50 ms: submit %.1f, submit -> DONE seen by"
                        + " the caller %.1f, total %.1f%n", PACE.toMillis(), median(pacedSubmit),
                median(pacedSingle) - median(pacedSubmit), median(pacedSingle));

        components(context, user, inputs.subList(count + sequential + 3, count + sequential + 3 + Math.min(20, count)));

        double overhead = median(pacedSingle) - median(rawPaced);
        double backToBack = median(pipelineSingle) - median(rawSingle);
        System.out.printf(Locale.ROOT, "{\"model\":\"%s:%s\",\"inputs\":\"%s\",\"images\":%d,\"max_batch\":%d,\"raw_images_per_s\":%.1f,"
                        + "\"pipeline_images_per_s\":%.1f,\"pipeline_to_raw_ratio\":%.3f,"
                        + "\"pipeline_batch1_images_per_s\":%.1f,\"batching_speedup\":%.2f,"
                        + "\"raw_p50_ms\":%.2f,\"raw_p50_paced_ms\":%.2f,\"pipeline_p50_ms\":%.2f,\"p50_overhead_ms\":%.2f,"
                        + "\"p50_overhead_back_to_back_ms\":%.2f,"
                        + "\"raw_batch1_images_per_s\":%.1f,\"raw_batching_speedup\":%.2f,"
                        + "\"raw_cpu_ms_per_image\":%.2f,\"pipeline_service_cpu_ms_per_image\":%.2f,"
                        + "\"pipeline_servers_cpu_ms_per_image\":%.2f,\"service_cpu_ratio\":%.3f,"
                        + "\"rounds\":%d,\"pipeline_to_raw_ratio_by_round\":%s,\"batching_speedup_by_round\":%s,"
                        + "\"warm_up_s\":%.0f,\"load_average_1m\":%.2f}%n",
                model.card().name(), model.card().version(), INPUTS, count, maxBatch, rawPerSecond, pipelinePerSecond,
                ratio, batchOnePerSecond, speedup,
                median(rawSingle), median(rawPaced), median(pacedSingle), overhead, backToBack, rawBatchOnePerSecond,
                rawBatchingSpeedup, rawCpuPerImage, serviceCpuPerImage, serversCpuPerImage,
                rawCpuPerImage / serviceCpuPerImage, rounds.size(),
                jsonArray(rounds, r -> String.format(Locale.ROOT, "%.3f", r.pipeline() / r.raw())),
                jsonArray(rounds, r -> String.format(Locale.ROOT, "%.2f", r.pipeline() / r.batchOne())), warmUpSeconds,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** One timed round's throughputs (img/s) and CPU ms per image (raw: this JVM; pipeline: this JVM, the other processes). */
    private record Round(double raw, double rawBatchOne, double pipeline, double batchOne, double rawCpu, double serviceCpu,
                         double serversCpu) {
    }

    /** Raw batched and at batch 1, then the pipeline with dynamic batching, then the batch-size-1 pipeline. */
    private static Round round(int round, ConfigurableApplicationContext context, Model model, AdversarialDetector detector,
                               List<BufferedImage> decoded, int maxBatch, List<ValidatedImage> batchedInputs,
                               List<ValidatedImage> batchOneInputs, String user) throws InterruptedException {
        PredictionService predictions = context.getBean(PredictionService.class);
        DynamicBatcher batcher = context.getBean(DynamicBatcher.class);
        KafkaListenerEndpointRegistry listeners = context.getBean(KafkaListenerEndpointRegistry.class);
        io.micrometer.core.instrument.MeterRegistry meters = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
        MongoCommandCounter commands = context.getBean(MongoCommandCounter.class);
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        String label = "round " + round + ", ";
        int count = decoded.size();

        ProcessCpu rawCpu0 = ProcessCpu.snapshot();
        long t0 = System.nanoTime();
        raw(model, detector, decoded, maxBatch);
        double rawPerSecond = count / seconds(t0);
        ProcessCpu rawCpu1 = ProcessCpu.snapshot();
        System.err.printf(Locale.ROOT, "[bench] %sraw, batched, this JVM's CPU ms per image by thread: %s%n", label,
                rawCpu1.threadsPerImageSince(rawCpu0, count, 8));
        // what batching gains in the model itself, the same images one call each: the part of
        // batching_speedup that does not come from the pipeline's per-request costs
        List<BufferedImage> single = decoded.subList(0, Math.min(count, RAW_BATCH_ONE_IMAGES));
        long t1 = System.nanoTime();
        raw(model, detector, single, 1);
        double rawBatchOnePerSecond = single.size() / seconds(t1);

        double[] batches0 = batchSizes(meters);
        ProcessCpu cpu0 = ProcessCpu.snapshot();
        var commands0 = commands.snapshot();
        double pipelinePerSecond = concurrent(label + "batched", predictions, user, batchedInputs);
        ProcessCpu cpu1 = ProcessCpu.snapshot();
        double[] batches1 = batchSizes(meters);
        System.err.printf(Locale.ROOT, "[bench] %sbatched: %.0f model calls, %.1f images per call%n", label,
                batches1[0] - batches0[0], (batches1[1] - batches0[1]) / (batches1[0] - batches0[0]));
        System.err.printf(Locale.ROOT, "[bench] %sbatched, MongoDB commands per image from this JVM: %s%n", label,
                MongoCommandCounter.perImage(commands0, commands.snapshot(), batchedInputs.size()));
        var commands1 = commands.snapshot();
        System.err.printf(Locale.ROOT, "[bench] %sbatched, CPU ms per image: %s; JIT compiling %d ms%n", label,
                cpu1.perImageSince(cpu0, batchedInputs.size()), jit.getTotalCompilationTime() - cpu0.jitMillis());
        System.err.printf(Locale.ROOT, "[bench] %sbatched, this JVM's CPU ms per image by thread: %s%n", label,
                cpu1.threadsPerImageSince(cpu0, batchedInputs.size(), 14));
        System.err.printf(Locale.ROOT, "[bench] %sbatched, servers' compiler and GC threads, CPU ms per image: %s%n", label,
                cpu1.serversJitAndGcPerImageSince(cpu0, batchedInputs.size()));

        // the batch-size-1 worker is the worker deployed with batch.max-size=1: one record per
        // poll (its result acknowledged and its offset committed before the next), one image
        // per model call; only the model call at batch 1 would keep the batched worker's polls
        workerPollSize(listeners, 1);
        batcher.maxSize(1);
        ProcessCpu cpu2 = ProcessCpu.snapshot();
        double batchOnePerSecond = concurrent(label + "batch-1", predictions, user, batchOneInputs);
        ProcessCpu cpu3 = ProcessCpu.snapshot();
        System.err.printf(Locale.ROOT, "[bench] %sbatch-1, MongoDB commands per image from this JVM: %s%n", label,
                MongoCommandCounter.perImage(commands1, commands.snapshot(), batchOneInputs.size()));
        System.err.printf(Locale.ROOT, "[bench] %sbatch-1, CPU ms per image: %s; JIT compiling %d ms%n", label,
                cpu3.perImageSince(cpu2, batchOneInputs.size()), jit.getTotalCompilationTime() - cpu2.jitMillis());
        System.err.printf(Locale.ROOT, "[bench] %sbatch-1, servers' compiler and GC threads, CPU ms per image: %s%n", label,
                cpu3.serversJitAndGcPerImageSince(cpu2, batchOneInputs.size()));
        batcher.maxSize(maxBatch);
        workerPollSize(listeners, maxBatch);
        return new Round(rawPerSecond, rawBatchOnePerSecond, pipelinePerSecond, batchOnePerSecond, rawCpu1.benchJvmPerImageSince(rawCpu0, count),
                cpu1.benchJvmPerImageSince(cpu0, batchedInputs.size()), cpu1.othersPerImageSince(cpu0, batchedInputs.size()));
    }

    private static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> value) {
        return median(rounds.stream().mapToDouble(value).toArray());
    }

    private static String jsonArray(List<Round> rounds, java.util.function.Function<Round, String> value) {
        return rounds.stream().map(value).collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    /** Exports, registers and activates the heavy model; answers the version active before. */
    private static ModelRef activateEfficientNet(ConfigurableApplicationContext context, Architecture architecture,
                                                 String version) throws Exception {
        ActiveModel active = context.getBean(ActiveModel.class);
        if (active.await(Duration.ofMinutes(3)) == null) {
            throw new IllegalStateException("no active model in the registry: run ./aegis up (which registers the demo model)");
        }
        ModelRef previous = active.current().ref();
        List<String> labels = active.current().model().card().labels();
        ModelCard card = new ModelCard("bench-efficientnet", version, labels, new ModelCard.Input(224, 224, 3, 0, 1),
                ModelCard.Signatures.DEFAULT, Map.of("architecture", architecture.name(),
                        "note", "untrained weights, for timing only"), null, Map.of(), null, Instant.now());
        Path dir = Files.createTempDirectory("aegis-bench-efficientnet");
        try (TrainableNetwork net = new TrainableNetwork(card,
                TrainingConfig.defaults().withArchitecture(architecture))) {
            System.err.printf(Locale.ROOT, "[bench] heavy model: %s, %d parameters, input 224x224x3%n",
                    architecture, net.parameterCount());
            net.export(dir, card);
        }
        ModelRef ref = new ModelRef(card.name(), card.version());
        context.getBean(ModelRegistry.class).uploadDirectory(ref, dir).block(Duration.ofMinutes(5));
        activate(context, ref);
        return previous;
    }

    /** Activates a registered version as an admin would, and waits until this process serves it. */
    private static void activate(ConfigurableApplicationContext context, ModelRef ref) throws InterruptedException {
        ModelRegistry registry = context.getBean(ModelRegistry.class);
        ActiveModel active = context.getBean(ActiveModel.class);
        registry.setActive(ref)
                .then(context.getBean(EventPublisher.class).publish(Topics.MODEL_EVENTS, ref.name(),
                        CloudEvent.of(EventPublisher.SOURCE, EventTypes.MODEL_ACTIVATED, ref.name() + "/" + ref.version(),
                                "bench", UUID.randomUUID().toString(), new ModelActivated(ref, "bench"))))
                .block(Duration.ofMinutes(1));
        active.refresh();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (active.current() == null || !active.current().ref().equals(ref)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("model " + ref + " was not served within 5 minutes");
            }
            Thread.sleep(200);
        }
        System.err.printf(Locale.ROOT, "[bench] serving %s:%s%n", ref.name(), ref.version());
    }

    /** Restarts the worker's consumers with another {@code max.poll.records}; offsets are committed. */
    private static void workerPollSize(KafkaListenerEndpointRegistry registry, int records) throws InterruptedException {
        MessageListenerContainer container = registry.getListenerContainer("inference-worker");
        container.stop();
        container.getContainerProperties().getKafkaConsumerProperties()
                .setProperty("max.poll.records", Integer.toString(records));
        container.start();
        awaitAssignment(registry, "inference-worker");
    }

    private static void awaitAssignment(KafkaListenerEndpointRegistry registry, String... ids) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (String id : ids) {
            MessageListenerContainer container = registry.getListenerContainer(id);
            while (container != null && (container.getAssignedPartitions() == null
                    || container.getAssignedPartitions().isEmpty())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("listener " + id + " got no partitions within 2 minutes");
                }
                Thread.sleep(100);
            }
        }
    }

    private static void raw(Model model, AdversarialDetector detector, List<BufferedImage> images, int batch) {
        for (int from = 0; from < images.size(); from += batch) {
            List<BufferedImage> chunk = images.subList(from, Math.min(images.size(), from + batch));
            float[][] x = new float[chunk.size()][];
            for (int i = 0; i < x.length; i++) {
                x[i] = model.preprocess(chunk.get(i));
            }
            List<dev.aegis.model.Prediction> predictions = model.predict(Arrays.asList(x));
            if (detector != null) {
                // as the worker calls it (DynamicBatcher)
                detector.checkBatch(x, predictions.stream().map(dev.aegis.model.Prediction::probabilities).toArray(float[][]::new));
            }
        }
    }

    /**
     * The submit path's parts one after the other, as the service calls them (same beans, same
     * JVM): S3 put, MongoDB insert, request event (broker ack), then how long the caller waits
     * for DONE after that ack. Shows which part costs more here than alone from a plain client.
     */
    private static void components(ConfigurableApplicationContext context, String user, List<ValidatedImage> images) {
        UploadStore uploads = context.getBean(UploadStore.class);
        org.springframework.data.mongodb.core.ReactiveMongoTemplate mongo =
                context.getBean(org.springframework.data.mongodb.core.ReactiveMongoTemplate.class);
        EventPublisher publisher = context.getBean(EventPublisher.class);
        PredictionService predictions = context.getBean(PredictionService.class);
        dev.aegis.support.storage.ObjectStorage storage = context.getBean(dev.aegis.support.storage.ObjectStorage.class);
        org.springframework.util.IdGenerator ids = context.getBean(org.springframework.util.IdGenerator.class);
        int n = images.size();
        double[] put = new double[n], get = new double[n], insert = new double[n], send = new double[n],
                done = new double[n], byId = new double[n], in = new double[n], modify = new double[n];
        for (int i = 0; i < n; i++) {
            ValidatedImage image = images.get(i);
            String id = ids.generateId().toString();
            PredictionDocument doc = PredictionDocument.pending(id, user, image.sha256(),
                    UploadStore.key(user, image.sha256()), image.contentType(), image.name(), null);
            long s = System.nanoTime();
            uploads.store(user, image).block();
            put[i] = (System.nanoTime() - s) / 1e6;
            s = System.nanoTime();
            storage.get(UploadStore.key(user, image.sha256())).block();
            get[i] = (System.nanoTime() - s) / 1e6;
            s = System.nanoTime();
            mongo.insert(doc).block();
            insert[i] = (System.nanoTime() - s) / 1e6;
            s = System.nanoTime();
            publisher.publish(Topics.PREDICTION_REQUESTS, id, CloudEvent.of(EventPublisher.SOURCE,
                    EventTypes.PREDICTION_REQUESTED, id, user, id, new dev.aegis.events.PredictionRequested(id,
                            doc.imageId(), doc.imageKey(), doc.contentType(), null, doc.fileName(), image.bytes())))
                    .block();
            send[i] = (System.nanoTime() - s) / 1e6;
            s = System.nanoTime();
            require(predictions.await(user, id, Duration.ofSeconds(60)).block());
            done[i] = (System.nanoTime() - s) / 1e6;
            // the worker's states read and the API's apply, alone (the record is DONE: no change)
            s = System.nanoTime();
            mongo.findById(id, PredictionDocument.class).block();
            byId[i] = (System.nanoTime() - s) / 1e6;
            s = System.nanoTime();
            org.springframework.data.mongodb.core.query.Query states = org.springframework.data.mongodb.core.query.Query
                    .query(org.springframework.data.mongodb.core.query.Criteria.where("_id").in(List.of(id)));
            states.fields().include("_id", "status");
            mongo.find(states, PredictionDocument.class).collectList().block();
            in[i] = (System.nanoTime() - s) / 1e6;
            s = System.nanoTime();
            // the API's write of a result: an update conditional on PENDING (sent in bulk per poll)
            mongo.updateFirst(org.springframework.data.mongodb.core.query.Query.query(
                            org.springframework.data.mongodb.core.query.Criteria.where("_id").is(id).and("userId").is(user)
                                    .and("status").is(PredictionStatus.PENDING)),
                    org.springframework.data.mongodb.core.query.Update.update("error", "never"),
                    PredictionDocument.class).block();
            modify[i] = (System.nanoTime() - s) / 1e6;
        }
        System.err.printf(Locale.ROOT, "[bench] Mongo alone, p50 ms: findById %.1f, find _id $in (worker states) %.1f,"
                + " conditional update, no match (API apply) %.1f%n", median(byId), median(in), median(modify));
        System.err.printf(Locale.ROOT, "[bench] parts one after the other, p50 ms (n=%d): S3 put %.1f, S3 get %.1f,"
                        + " Mongo insert %.1f, request event acked %.1f, acked -> DONE seen %.1f%n", n, median(put),
                median(get), median(insert), median(send), median(done));
    }

    /** Model calls so far and the images they took ({@code aegis.inference.batch.size}). */
    private static double[] batchSizes(io.micrometer.core.instrument.MeterRegistry meters) {
        io.micrometer.core.instrument.DistributionSummary sizes = meters.get("aegis.inference.batch.size").summary();
        return new double[] {sizes.count(), sizes.totalAmount()};
    }

    /** Count and total ms of each worker stage timer and of the API's apply timer, in pairs. */
    private static double[] stageTotals(io.micrometer.core.instrument.MeterRegistry meters) {
        List<io.micrometer.core.instrument.Timer> timers = new ArrayList<>();
        for (String stage : List.of("prepare", "model", "result-ack")) {
            timers.add(meters.timer("aegis.inference.worker.stage", "stage", stage));
        }
        timers.add(meters.timer("aegis.inference.results.apply"));
        timers.add(meters.timer("aegis.inference.results.delivery"));
        double[] totals = new double[timers.size() * 2];
        for (int i = 0; i < timers.size(); i++) {
            totals[2 * i] = timers.get(i).count();
            totals[2 * i + 1] = timers.get(i).totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) / 1e6;
        }
        return totals;
    }

    private static void stageMeans(String label, double[] before, double[] after) {
        System.err.printf(Locale.ROOT, "[bench] %s, mean ms inside the service: worker prepare (decode) %.1f,"
                        + " model (batcher) %.1f, result event acked %.1f; result event -> API listener %.1f,"
                        + " API result applied %.1f%n", label, mean(before, after, 0), mean(before, after, 1),
                mean(before, after, 2), mean(before, after, 4), mean(before, after, 3));
    }

    private static double mean(double[] before, double[] after, int timer) {
        double count = after[2 * timer] - before[2 * timer];
        return count == 0 ? Double.NaN : (after[2 * timer + 1] - before[2 * timer + 1]) / count;
    }

    private static double concurrent(String label, PredictionService predictions, String user,
                                     List<ValidatedImage> images) {
        long t0 = System.nanoTime();
        List<PredictionDocument> done = Flux.fromIterable(images)
                .flatMap(image -> predictions.submit(user, image), 64)
                .flatMap(doc -> predictions.await(user, doc.id(), Duration.ofSeconds(120)), 512)
                .collectList().block();
        double wall = seconds(t0);
        stages(label, done, wall);
        done.forEach(PipelineBench::require);
        return images.size() / wall;
    }

    /**
     * Where the time went, from the records' own timings (stderr, not the JSON line): request
     * event -> worker poll (queued), object fetch, batched model call, event -> result built
     * (worker total), and record created -> result applied by the API (applied).
     */
    private static void stages(String label, List<PredictionDocument> docs, double wall) {
        List<PredictionDocument> timed = docs.stream().filter(d -> d != null && d.timings() != null).toList();
        long[] queued = timed.stream().mapToLong(d -> d.timings().queuedMs()).sorted().toArray();
        long[] fetch = timed.stream().mapToLong(d -> d.timings().fetchMs()).sorted().toArray();
        long[] inference = timed.stream().mapToLong(d -> d.timings().inferenceMs()).sorted().toArray();
        long[] worker = timed.stream().mapToLong(d -> d.timings().totalMs()).sorted().toArray();
        long[] applied = timed.stream().filter(d -> d.completedAt() != null && d.createdAt() != null)
                .mapToLong(d -> d.completedAt().toEpochMilli() - d.createdAt().toEpochMilli()).sorted().toArray();
        System.err.printf(Locale.ROOT, "[bench] %s: %d images in %.2f s (%d with timings); p50/p95 ms: queued %s,"
                        + " fetch %s, inference %s, worker total %s, created->applied %s%n", label, docs.size(), wall,
                timed.size(), pct(queued), pct(fetch), pct(inference), pct(worker), pct(applied));
    }

    private static String pct(long[] sorted) {
        if (sorted.length == 0) {
            return "-";
        }
        return sorted[sorted.length / 2] + "/" + sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.95))];
    }

    private static void require(PredictionDocument d) {
        if (d == null || d.status() != PredictionStatus.DONE) {
            throw new IllegalStateException("prediction did not complete: " + (d == null ? null : d.status()
                    + " " + d.error()));
        }
    }

    /**
     * Distinct files (identical bytes would reuse the stored object and skip work). {@code photos}:
     * the local stack's demo data set - drawn pictures of bikes, cars and ships on textured
     * backgrounds, what the demo classifies - scaled to the model's input and JPEG-encoded at
     * quality 90, as cameras and browsers send pictures. {@code noise}: uniform random pixels as
     * PNG, the worst case for every byte-bound part (incompressible: 150 kB at 224x224, carried
     * inline in the request event, stored, decoded).
     */
    private static List<byte[]> inputFiles(Model model, int n) throws java.io.IOException {
        List<byte[]> files = new ArrayList<>(n);
        if ("noise".equals(INPUTS)) {
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < n; i++) {
                files.add(png(random, model));
            }
            return files;
        }
        if (!"photos".equals(INPUTS)) {
            throw new IllegalArgumentException("bench.inputs must be photos or noise");
        }
        Path dir = Path.of(System.getProperty("bench.demo-data", ".aegis/demo-data"));
        List<Path> pictures;
        try (var walk = Files.walk(dir)) {
            pictures = new ArrayList<>(walk.filter(p -> p.toString().endsWith(".png")).sorted().toList());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("no demo data set at " + dir.toAbsolutePath() + " (./aegis up builds it;"
                    + " -Dbench.demo-data=DIR names another, -Dbench.inputs=noise needs none)");
        }
        if (pictures.size() < n) {
            throw new IllegalStateException("the bench needs " + n + " distinct pictures, " + dir.toAbsolutePath()
                    + " holds " + pictures.size());
        }
        java.util.Collections.shuffle(pictures, new java.util.Random(42));
        int size = Math.max(model.card().input().height(), 64);
        var writer = javax.imageio.ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            var quality = writer.getDefaultWriteParam();
            quality.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            quality.setCompressionQuality(0.9f);
            for (Path picture : pictures.subList(0, n)) {
                BufferedImage scaled = Pixels.resize(javax.imageio.ImageIO.read(picture.toFile()), size, size);
                var out = new java.io.ByteArrayOutputStream();
                try (var stream = javax.imageio.ImageIO.createImageOutputStream(out)) {
                    writer.setOutput(stream);
                    writer.write(null, new javax.imageio.IIOImage(scaled, null, null), quality);
                }
                files.add(out.toByteArray());
            }
        } finally {
            writer.dispose();
        }
        return files;
    }

    private static byte[] png(SplittableRandom random, Model model) {
        int size = Math.max(model.card().input().height(), 64);
        float[] pixels = new float[size * size * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextDouble();
        }
        return Pixels.toPng(Pixels.toImage(pixels, size, size, 3));
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
