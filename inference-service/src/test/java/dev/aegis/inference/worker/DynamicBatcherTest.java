package dev.aegis.inference.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.aegis.events.ModelRef;
import dev.aegis.inference.InferenceProperties;
import dev.aegis.inference.TinyModel;
import dev.aegis.model.Model;
import dev.aegis.model.Prediction;
import dev.aegis.model.RuntimeOptions;
import dev.aegis.model.TinyModels;
import dev.aegis.model.image.Pixels;
import dev.aegis.model.train.Dataset;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The batcher on the tiny trained model: how a poll's images become model calls. */
class DynamicBatcherTest {

    private static final InferenceProperties PROPERTIES = new InferenceProperties(null, null, null, null, null,
            new InferenceProperties.Batch(32, Duration.ZERO), null, null, null, null);

    private LoadedModel loaded;
    private SimpleMeterRegistry meters;
    private DynamicBatcher batcher;

    @BeforeEach
    void start() {
        Model model = Model.load(TinyModel.bootstrapRoot().resolve("tiny/1"), RuntimeOptions.threads(2));
        loaded = LoadedModel.of(new ModelRef("tiny", "1"), model);
        // the registry is not needed: the model is already loaded
        ActiveModel active = new ActiveModel(null, null, null, PROPERTIES) {
            @Override
            public LoadedModel await(Duration timeout) {
                return loaded;
            }

            @Override
            public LoadedModel current() {
                return loaded;
            }
        };
        meters = new SimpleMeterRegistry();
        batcher = new DynamicBatcher(active, PROPERTIES, meters);
        batcher.start();
    }

    @AfterEach
    void stop() {
        batcher.stop();
        loaded.close();
    }

    @Test
    void aPollsImagesAreOneModelCallAndEachGetsTheAnswerItWouldGetAlone() throws Exception {
        List<BufferedImage> images = images(12, 3);

        List<CompletableFuture<DynamicBatcher.Outcome>> outcomes = batcher.submitAll(images);

        for (int i = 0; i < images.size(); i++) {
            DynamicBatcher.Outcome outcome = outcomes.get(i).get(30, TimeUnit.SECONDS);
            Prediction alone = loaded.model().predict(List.of(loaded.model().preprocess(images.get(i)))).get(0);
            assertThat(outcome.prediction().label()).as("image %d", i).isEqualTo(alone.label());
            assertThat(outcome.prediction().probabilities()).as("image %d", i)
                    .containsExactly(alone.probabilities(), within(1e-4f));
            assertThat(outcome.detector()).as("the tiny model's card has a detector").isNotNull();
            assertThat(outcome.model()).isEqualTo(new ModelRef("tiny", "1"));
        }
        // the model thread was idle: it took none of the group before all of it was queued
        DistributionSummary sizes = meters.get("aegis.inference.batch.size").summary();
        assertThat(sizes.count()).isEqualTo(1);
        assertThat(sizes.totalAmount()).isEqualTo(12);
    }

    @Test
    void aGroupLargerThanTheMaxSizeIsSplitAtTheMaxSizeAndNothingIsLost() throws Exception {
        batcher.maxSize(5);
        List<BufferedImage> images = images(12, 4);

        List<CompletableFuture<DynamicBatcher.Outcome>> outcomes = batcher.submitAll(images);

        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        DistributionSummary sizes = meters.get("aegis.inference.batch.size").summary();
        assertThat(sizes.count()).isEqualTo(3);
        assertThat(sizes.max()).isEqualTo(5);
        assertThat(sizes.totalAmount()).isEqualTo(12);
    }

    @Test
    void aStoppedBatcherFailsEveryImageOfTheGroupAtOnce() {
        batcher.stop();

        List<CompletableFuture<DynamicBatcher.Outcome>> outcomes = batcher.submitAll(images(3, 5));

        assertThat(outcomes).hasSize(3).allSatisfy(o -> assertThat(o).isCompletedExceptionally());
    }

    private static List<BufferedImage> images(int n, long seed) {
        Dataset data = TinyModels.generate(n, seed);
        List<BufferedImage> images = new ArrayList<>(n);
        for (float[] x : data.x()) {
            images.add(Pixels.toImage(Pixels.toPixelSpace(x, TinyModels.card("1").input()), data.height(),
                    data.width(), data.channels()));
        }
        return images;
    }
}
