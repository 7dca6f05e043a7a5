package dev.aegis.inference.worker;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

import dev.aegis.events.DetectorVerdict;
import dev.aegis.events.ModelRef;
import dev.aegis.inference.InferenceProperties;
import dev.aegis.model.Prediction;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Dynamic batching: one thread owns the model calls; requests from every consumer thread queue
 * here, and the thread takes what is waiting, up to {@code max-size}, then makes one batched
 * TensorFlow call (plus the detector's). With {@code max-wait} 0 (the default) it never waits
 * for more: an idle worker runs a lone request at once, and while the model is busy the next
 * requests queue up and form the next batch by themselves (the adaptive scheme of serving
 * systems: batch size follows load, no added latency when idle). A {@code max-wait} above 0
 * waits that long for more once it holds one request (fuller batches, slower lone requests).
 */
@Component
@Profile("worker")
public class DynamicBatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DynamicBatcher.class);
    private static final Duration MODEL_WAIT = Duration.ofSeconds(60);

    /** The model's answer for one image. */
    public record Outcome(Prediction prediction, DetectorVerdict detector, ModelRef model, long inferenceMs) {
    }

    private record Job(BufferedImage image, CompletableFuture<Outcome> result) {
    }

    private final ActiveModel active;
    private volatile int maxSize;
    private final long maxWaitNanos;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Object enqueueing = new Object();
    private final DistributionSummary batchSizes;
    private final Timer latency;
    private final MeterRegistry meters;
    private volatile boolean running;
    private Thread thread;

    public DynamicBatcher(ActiveModel active, InferenceProperties properties, MeterRegistry meters) {
        this.active = active;
        this.maxSize = properties.batch().maxSize();
        this.maxWaitNanos = properties.batch().maxWait().toNanos();
        this.meters = meters;
        this.batchSizes = DistributionSummary.builder("aegis.inference.batch.size")
                .description("images per batched model call").publishPercentileHistogram()
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64).register(meters);
        this.latency = Timer.builder("aegis.inference.latency")
                .description("duration of one batched model call, detector included")
                .publishPercentileHistogram().register(meters);
        meters.gauge("aegis.inference.queue.depth", queue, BlockingQueue::size);
    }

    /** Changes the largest batch at run time (the pipeline benchmark compares against batch size 1). */
    public void maxSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be >= 1");
        }
        this.maxSize = size;
    }

    /**
     * Queues the images of one poll together: the model thread takes none of them before all are
     * queued. Added one by one, an idle model thread could wake on the first and run it with the
     * few queued by then, a small batch at nearly batch-1 cost, and the rest of the poll would
     * wait for that call to end.
     */
    public List<CompletableFuture<Outcome>> submitAll(List<BufferedImage> images) {
        List<CompletableFuture<Outcome>> results = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            results.add(new CompletableFuture<>());
        }
        // Checked under the lock stop() takes: a group read as accepted before the model thread
        // saw the queue empty and quit would wait out its callers' timeout, answered by no one.
        synchronized (enqueueing) {
            if (running) {
                for (int i = 0; i < images.size(); i++) {
                    queue.add(new Job(images.get(i), results.get(i)));
                }
                return results;
            }
        }
        IllegalStateException stopping = new IllegalStateException("the worker is stopping");
        results.forEach(r -> r.completeExceptionally(stopping));
        return results;
    }

    /** Takes what is queued, up to {@code max}, never part of a group that is still being queued. */
    private void drain(List<Job> batch, int max) {
        synchronized (enqueueing) {
            queue.drainTo(batch, max);
        }
    }

    private void loop() {
        List<Job> batch = new ArrayList<>(maxSize);
        while (running || !queue.isEmpty()) {
            try {
                Job first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                // read once the batch starts, so that a change applies to the next batch
                int maxSize = this.maxSize;
                batch.add(first);
                drain(batch, maxSize - batch.size());
                long deadline = System.nanoTime() + maxWaitNanos;
                while (batch.size() < maxSize) {
                    long left = deadline - System.nanoTime();
                    Job next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                    drain(batch, maxSize - batch.size());
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(j -> j.result().completeExceptionally(e));
                return;
            } catch (RuntimeException | Error e) {
                log.warn("batch of {} failed: {}", batch.size(), e.toString());
                meters.counter("aegis.inference.errors", "stage", "model").increment(batch.size());
                batch.forEach(j -> j.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void run(List<Job> batch) throws InterruptedException {
        LoadedModel model = active.await(MODEL_WAIT);
        if (model == null) {
            throw new IllegalStateException("no active model is loaded (is the registry empty?)");
        }
        try {
            complete(batch, model);
        } catch (IllegalStateException closed) {
            // The model was swapped and closed between reading the reference and calling it:
            // run the same batch on the new one instead of failing it.
            LoadedModel now = active.current();
            if (now == null || now == model) {
                throw closed;
            }
            complete(batch, now);
        }
    }

    private void complete(List<Job> batch, LoadedModel model) {
        long start = System.nanoTime();
        float[][] inputs = new float[batch.size()][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = model.model().preprocess(batch.get(i).image());
        }
        List<Prediction> predictions = model.model().predict(java.util.Arrays.asList(inputs));
        // the detector compares against the classification's own probabilities: no second clean pass
        List<dev.aegis.model.detect.DetectorVerdict> verdicts = model.detector() == null ? null
                : model.detector().checkBatch(inputs, predictions.stream().map(Prediction::probabilities).toArray(float[][]::new));
        long nanos = System.nanoTime() - start;
        latency.record(nanos, TimeUnit.NANOSECONDS);
        batchSizes.record(batch.size());
        long ms = TimeUnit.NANOSECONDS.toMillis(nanos);
        for (int i = 0; i < batch.size(); i++) {
            DetectorVerdict verdict = null;
            if (verdicts != null) {
                var v = verdicts.get(i);
                verdict = new DetectorVerdict(v.score(), v.threshold(), v.flagged());
            }
            batch.get(i).result().complete(new Outcome(predictions.get(i), verdict, model.ref(), ms));
        }
    }

    @Override
    public void start() {
        running = true;
        thread = new Thread(this::loop, "inference-batcher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        synchronized (enqueueing) {
            // nothing is queued after this: the model thread runs what is queued, then ends
            running = false;
        }
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // stops after the Kafka containers (which stop first at a higher phase) drained their batches
        return 0;
    }
}
