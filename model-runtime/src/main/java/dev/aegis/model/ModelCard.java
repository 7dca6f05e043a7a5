package dev.aegis.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The contract between a trained model and everything that serves it, stored as
 * {@code model-card.json} next to the SavedModel. See {@code docs/model-contract.md}.
 *
 * @param name        model name (the {@code models/{name}/} folder in object storage)
 * @param version     model version (the {@code {version}/} folder)
 * @param labels      class labels, index = output position of the probabilities
 * @param input       shape and value range of one preprocessed image
 * @param signatures  SavedModel signature keys for prediction and the input loss gradient
 * @param training    training settings (free-form, for humans and reproducibility)
 * @param dataset     dataset description and fingerprint
 * @param metrics     measured metrics (name to value)
 * @param detector    adversarial-example detector settings calibrated for this model, or null
 * @param created     when the model was exported
 */
public record ModelCard(
        String name,
        String version,
        List<String> labels,
        Input input,
        Signatures signatures,
        Map<String, Object> training,
        Dataset dataset,
        Map<String, Double> metrics,
        Detector detector,
        Instant created) {

    public static final String FILE_NAME = "model-card.json";

    /** Tensor names inside the signatures; fixed by the contract so any exporter can follow it. */
    public static final String INPUT_IMAGE = "image";
    public static final String INPUT_LABEL = "label";
    public static final String OUTPUT_PROBABILITIES = "probabilities";
    public static final String OUTPUT_LOGITS = "logits";
    public static final String OUTPUT_LOSS = "loss";
    public static final String OUTPUT_GRADIENT = "gradient";

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public ModelCard {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(input, "input");
        labels = List.copyOf(Objects.requireNonNull(labels, "labels"));
        if (labels.size() < 2) {
            throw new IllegalArgumentException("a model card needs at least two labels");
        }
        if (labels.stream().distinct().count() != labels.size()) {
            throw new IllegalArgumentException("labels must be unique: " + labels);
        }
        signatures = signatures == null ? Signatures.DEFAULT : signatures;
        training = training == null ? Map.of() : new LinkedHashMap<>(training);
        metrics = metrics == null ? Map.of() : new LinkedHashMap<>(metrics);
    }

    /** Shape (NHWC without the batch) and value range the model expects. */
    public record Input(int height, int width, int channels, double valueMin, double valueMax) {
        public Input {
            if (height < 1 || width < 1 || height > 4096 || width > 4096) {
                throw new IllegalArgumentException("input size out of range: " + height + "x" + width);
            }
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("channels must be 1 or 3, was " + channels);
            }
            if (!(valueMax > valueMin) || !Double.isFinite(valueMin) || !Double.isFinite(valueMax)) {
                throw new IllegalArgumentException("invalid value range [" + valueMin + ", " + valueMax + "]");
            }
        }

        /** Number of floats of one image. */
        public int size() {
            return height * width * channels;
        }
    }

    /** Signature keys inside the SavedModel. */
    public record Signatures(String predict, String lossGradient) {
        public static final Signatures DEFAULT = new Signatures("serving_default", "loss_gradient");

        public Signatures {
            Objects.requireNonNull(predict, "predict");
            Objects.requireNonNull(lossGradient, "lossGradient");
        }
    }

    /** What the model was trained on. */
    public record Dataset(String name, String fingerprint, Map<String, Integer> counts, String description) {
    }

    /**
     * Adversarial-example detector settings. Feature squeezing: the squeezers (spec strings of
     * {@link dev.aegis.model.detect.Squeezer}, e.g. {@code bit-depth-1}, {@code median-2x2}); the
     * score is the largest L1 distance between the prediction on the input and on each squeezed
     * input (the paper's joint detector), flagged when it exceeds {@code threshold}. Optionally a
     * {@link Learned} detector network beside the model; then an input is flagged when either part
     * flags it, and both thresholds were calibrated together on clean validation images so that
     * their union stays at {@code targetFpr}. Without squeezers only the learned part is used.
     */
    public record Detector(List<String> squeezers, double threshold, double targetFpr, Learned learned) {
        public Detector {
            squeezers = squeezers == null ? List.of() : List.copyOf(squeezers);
            if (squeezers.isEmpty() && learned == null) {
                throw new IllegalArgumentException("a detector needs at least one squeezer or a learned detector");
            }
            squeezers.forEach(dev.aegis.model.detect.Squeezer::parse);
        }

        /** Feature squeezing only. */
        public Detector(List<String> squeezers, double threshold, double targetFpr) {
            this(squeezers, threshold, targetFpr, null);
        }

        /** The first format: one bit depth and one median size (1 = no median filter). */
        public Detector(int bitDepth, int medianSize, double threshold, double targetFpr) {
            this(legacy(bitDepth, medianSize), threshold, targetFpr, null);
        }

        /** Reads both the squeezer list and cards written with {@code bitDepth} / {@code medianSize}. */
        @com.fasterxml.jackson.annotation.JsonCreator
        static Detector fromJson(@com.fasterxml.jackson.annotation.JsonProperty("squeezers") List<String> squeezers,
                @com.fasterxml.jackson.annotation.JsonProperty("bitDepth") Integer bitDepth,
                @com.fasterxml.jackson.annotation.JsonProperty("medianSize") Integer medianSize,
                @com.fasterxml.jackson.annotation.JsonProperty("threshold") double threshold,
                @com.fasterxml.jackson.annotation.JsonProperty("targetFpr") double targetFpr,
                @com.fasterxml.jackson.annotation.JsonProperty("learned") Learned learned) {
            if (squeezers == null && bitDepth != null) {
                return new Detector(legacy(bitDepth, medianSize == null ? 1 : medianSize), threshold, targetFpr,
                        learned);
            }
            return new Detector(squeezers, threshold, targetFpr, learned);
        }

        public Detector withLearned(Learned l) {
            return new Detector(squeezers, threshold, targetFpr, l);
        }

        private static List<String> legacy(int bitDepth, int medianSize) {
            if (bitDepth < 1 || bitDepth > 8) {
                throw new IllegalArgumentException("bitDepth must be in 1..8");
            }
            if (medianSize < 1 || medianSize > 5) {
                throw new IllegalArgumentException("medianSize must be in 1..5");
            }
            return medianSize == 1 ? List.of("bit-depth-" + bitDepth)
                    : List.of("bit-depth-" + bitDepth, "median-" + medianSize + "x" + medianSize);
        }
    }

    /**
     * A learned detector (Metzen et al. 2017, Gong et al. 2017): a binary network, clean vs
     * adversarial, stored as its own SavedModel (an Aegis model with the labels {@code clean} and
     * {@code adversarial}) in the sub-folder {@code path} of the model folder.
     *
     * @param path      folder relative to the model folder, e.g. {@code detector}
     * @param threshold flagged when the network's probability of {@code adversarial} exceeds it
     * @param trainedOn how its adversarial training examples were made (for humans)
     */
    public record Learned(String path, double threshold, String trainedOn) {
        public Learned {
            Objects.requireNonNull(path, "learned detector path");
            if (path.isBlank() || path.startsWith("/") || path.contains("\\") || path.contains("..")
                    || path.contains(":")) {
                throw new IllegalArgumentException("learned detector path must be a plain sub-folder, was '" + path + "'");
            }
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("learned detector threshold must be in [0,1], was " + threshold);
            }
        }
    }

    public int labelIndex(String label) {
        return labels.indexOf(label);
    }

    public ModelCard withMetrics(Map<String, Double> more) {
        Map<String, Double> m = new LinkedHashMap<>(metrics);
        m.putAll(more);
        return new ModelCard(name, version, labels, input, signatures, training, dataset, m, detector, created);
    }

    public ModelCard withDetector(Detector d) {
        return new ModelCard(name, version, labels, input, signatures, training, dataset, metrics, d, created);
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    public static ModelCard fromJson(String json) {
        try {
            return JSON.readValue(json, ModelCard.class);
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw new InvalidModelException("invalid model card: " + e.getMessage(), e);
        }
    }

    public static ModelCard read(Path modelDir) {
        Path file = modelDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new InvalidModelException("no " + FILE_NAME + " in " + modelDir);
        }
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new InvalidModelException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public void write(Path modelDir) {
        try {
            Files.createDirectories(modelDir);
            Files.writeString(modelDir.resolve(FILE_NAME), toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
