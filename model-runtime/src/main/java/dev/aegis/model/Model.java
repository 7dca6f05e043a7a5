package dev.aegis.model;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

import dev.aegis.model.image.Pixels;

/**
 * A loaded model: SavedModel + {@link ModelCard}. Thread-safe (TensorFlow sessions accept
 * concurrent runs); {@link #close()} waits for running calls and then frees the native memory.
 * Every tensor is closed as soon as it is read, so native memory does not wait for the GC.
 */
public final class Model implements Classifier, AutoCloseable {

    /**
     * Optional signature (inputs image and label, output gradient) that the trainer exports
     * beside the card's loss-gradient signature when the network has a hand-written input
     * gradient: same values as {@code loss_gradient}'s gradient, faster. Models without it use
     * the loss-gradient signature.
     */
    public static final String INPUT_GRADIENT_SIGNATURE = "input_gradient";

    private final ModelCard card;
    private final SavedModelBundle bundle;
    private final SessionFunction predictFn;
    private final SessionFunction gradientFn;
    private final SessionFunction inputGradientFn; // null when the SavedModel has no input_gradient
    private final RuntimeOptions options;
    private final Path dir;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private Model(Path dir, ModelCard card, SavedModelBundle bundle, RuntimeOptions options) {
        this.dir = dir;
        this.card = card;
        this.bundle = bundle;
        this.options = options;
        this.predictFn = bundle.function(card.signatures().predict());
        this.gradientFn = bundle.function(card.signatures().lossGradient());
        this.inputGradientFn = hasSignature(bundle, INPUT_GRADIENT_SIGNATURE) ? bundle.function(INPUT_GRADIENT_SIGNATURE) : null;
    }

    private static boolean hasSignature(SavedModelBundle bundle, String key) {
        return bundle.signatures().stream().anyMatch(s -> s.key().equals(key));
    }

    /**
     * Loads {@code dir}/model-card.json and the SavedModel beside it and checks that the card's
     * signatures exist with the contract's tensor names and shapes.
     *
     * @throws InvalidModelException when anything does not match; nothing stays allocated then
     */
    public static Model load(Path dir, RuntimeOptions options) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        if (!Files.isDirectory(dir)) {
            throw new InvalidModelException("model folder does not exist: " + dir);
        }
        ModelCard card = ModelCard.read(dir);
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new InvalidModelException("no saved_model.pb in " + dir);
        }
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.loader(dir.toString())
                    .withTags(SavedModelBundle.DEFAULT_TAG)
                    .withConfigProto(options.toConfigProto())
                    .load();
        } catch (TensorFlowException | IllegalArgumentException e) {
            throw new InvalidModelException("cannot load SavedModel from " + dir + ": " + e.getMessage(), e);
        }
        try {
            checkSignatures(card, bundle);
            return new Model(dir, card, bundle, options);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    public static Model load(Path dir) {
        return load(dir, RuntimeOptions.defaults());
    }

    private static void checkSignatures(ModelCard card, SavedModelBundle bundle) {
        Map<String, Signature> byKey = new java.util.HashMap<>();
        for (Signature s : bundle.signatures()) {
            byKey.put(s.key(), s);
        }
        ModelCard.Input in = card.input();
        Signature predict = byKey.get(card.signatures().predict());
        if (predict == null) {
            throw new InvalidModelException("SavedModel has no signature '" + card.signatures().predict()
                    + "' (has " + byKey.keySet() + ")");
        }
        Signature gradient = byKey.get(card.signatures().lossGradient());
        if (gradient == null) {
            throw new InvalidModelException("SavedModel has no signature '" + card.signatures().lossGradient()
                    + "' (has " + byKey.keySet() + ")");
        }
        requireTensor(predict, true, ModelCard.INPUT_IMAGE, new long[] {-1, in.height(), in.width(), in.channels()});
        requireTensor(predict, false, ModelCard.OUTPUT_PROBABILITIES, new long[] {-1, card.labels().size()});
        requireTensor(gradient, true, ModelCard.INPUT_IMAGE, new long[] {-1, in.height(), in.width(), in.channels()});
        requireTensor(gradient, true, ModelCard.INPUT_LABEL, new long[] {-1, card.labels().size()});
        requireTensor(gradient, false, ModelCard.OUTPUT_LOSS, new long[] {-1});
        requireTensor(gradient, false, ModelCard.OUTPUT_GRADIENT, new long[] {-1, in.height(), in.width(), in.channels()});
        Signature fast = byKey.get(INPUT_GRADIENT_SIGNATURE);
        if (fast != null) {
            requireTensor(fast, true, ModelCard.INPUT_IMAGE, new long[] {-1, in.height(), in.width(), in.channels()});
            requireTensor(fast, true, ModelCard.INPUT_LABEL, new long[] {-1, card.labels().size()});
            requireTensor(fast, false, ModelCard.OUTPUT_GRADIENT, new long[] {-1, in.height(), in.width(), in.channels()});
        }
    }

    /** Whether gradients go through the exported {@value #INPUT_GRADIENT_SIGNATURE} signature. */
    public boolean hasFastInputGradient() {
        return inputGradientFn != null;
    }

    private static void requireTensor(Signature sig, boolean input, String name, long[] expected) {
        Signature.TensorDescription d = (input ? sig.getInputs() : sig.getOutputs()).get(name);
        if (d == null) {
            throw new InvalidModelException("signature '" + sig.key() + "' has no " + (input ? "input" : "output")
                    + " '" + name + "'");
        }
        if (d.dataType != org.tensorflow.proto.DataType.DT_FLOAT) {
            throw new InvalidModelException("signature '" + sig.key() + "' tensor '" + name + "' is " + d.dataType
                    + ", expected float32");
        }
        if (d.shape == null || d.shape.isUnknown()) {
            return; // unknown rank: TensorFlow checks at run time
        }
        long[] actual = d.shape.asArray();
        boolean ok = actual != null && actual.length == expected.length;
        for (int i = 0; ok && i < expected.length; i++) {
            ok = expected[i] < 0 || actual[i] < 0 || actual[i] == expected[i];
        }
        if (!ok) {
            throw new InvalidModelException("signature '" + sig.key() + "' tensor '" + name + "' has shape "
                    + Arrays.toString(actual) + " but the card needs " + Arrays.toString(expected));
        }
    }

    @Override
    public ModelCard card() {
        return card;
    }

    public Path directory() {
        return dir;
    }

    public RuntimeOptions options() {
        return options;
    }

    /** Decoded image to model input, exactly as the trainer prepared its data. */
    public float[] preprocess(BufferedImage image) {
        return Pixels.preprocess(image, card.input());
    }

    @Override
    public List<Prediction> predict(List<float[]> inputs) {
        return Classifier.super.predict(inputs);
    }

    @Override
    public float[][] probabilities(float[][] inputs) {
        checkInputs(inputs);
        int k = card.labels().size();
        float[][] out = new float[inputs.length][];
        for (int start = 0; start < inputs.length; start += options.maxBatch()) {
            int n = Math.min(options.maxBatch(), inputs.length - start);
            float[] flat = run(predictFn, Map.of(ModelCard.INPUT_IMAGE, batch(inputs, start, n)),
                    ModelCard.OUTPUT_PROBABILITIES, (long) n * k);
            for (int i = 0; i < n; i++) {
                out[start + i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
            }
        }
        return out;
    }

    @Override
    public LossGradient lossGradient(float[][] inputs, int[] labels) {
        checkInputs(inputs);
        if (labels == null || labels.length != inputs.length) {
            throw new IllegalArgumentException("one label per input required");
        }
        int k = card.labels().size();
        int size = card.input().size();
        float[] loss = new float[inputs.length];
        float[][] grad = new float[inputs.length][];
        for (int start = 0; start < inputs.length; start += options.maxBatch()) {
            int n = Math.min(options.maxBatch(), inputs.length - start);
            float[] oneHot = oneHot(labels, start, n, k);
            float[][] outs = run2(gradientFn, batch(inputs, start, n), oneHot, n, k);
            System.arraycopy(outs[0], 0, loss, start, n);
            for (int i = 0; i < n; i++) {
                grad[start + i] = Arrays.copyOfRange(outs[1], i * size, (i + 1) * size);
            }
        }
        return new LossGradient(loss, grad);
    }

    /**
     * The gradient alone: through the {@value #INPUT_GRADIENT_SIGNATURE} signature when the model
     * has one (no loss computed or copied), else through the card's loss-gradient signature.
     */
    @Override
    public float[][] inputGradient(float[][] inputs, int[] labels) {
        if (inputGradientFn == null) {
            return lossGradient(inputs, labels).gradient();
        }
        checkInputs(inputs);
        if (labels == null || labels.length != inputs.length) {
            throw new IllegalArgumentException("one label per input required");
        }
        int k = card.labels().size();
        int size = card.input().size();
        float[][] grad = new float[inputs.length][];
        for (int start = 0; start < inputs.length; start += options.maxBatch()) {
            int n = Math.min(options.maxBatch(), inputs.length - start);
            float[] flat = batch(inputs, start, n);
            float[] oneHot = oneHot(labels, start, n, k);
            float[] g;
            lifecycle.readLock().lock();
            try {
                ensureOpen();
                try (TFloat32 image = imageTensor(flat, n);
                        TFloat32 label = TFloat32.tensorOf(Shape.of(n, k), DataBuffers.of(oneHot, true, false));
                        Result result = inputGradientFn.call(Map.<String, Tensor>of(ModelCard.INPUT_IMAGE, image,
                                ModelCard.INPUT_LABEL, label))) {
                    g = read(result, ModelCard.OUTPUT_GRADIENT, flat.length);
                } catch (TensorFlowException e) {
                    throw new ModelExecutionException("TensorFlow failed: " + e.getMessage(), e);
                }
            } finally {
                lifecycle.readLock().unlock();
            }
            for (int i = 0; i < n; i++) {
                grad[start + i] = Arrays.copyOfRange(g, i * size, (i + 1) * size);
            }
        }
        return grad;
    }

    private static float[] oneHot(int[] labels, int start, int n, int k) {
        float[] oneHot = new float[n * k];
        for (int i = 0; i < n; i++) {
            int label = labels[start + i];
            if (label < 0 || label >= k) {
                throw new IllegalArgumentException("label index out of range: " + label);
            }
            oneHot[i * k + label] = 1f;
        }
        return oneHot;
    }

    private float[] batch(float[][] inputs, int start, int n) {
        int size = card.input().size();
        float[] flat = new float[n * size];
        for (int i = 0; i < n; i++) {
            System.arraycopy(inputs[start + i], 0, flat, i * size, size);
        }
        return flat;
    }

    private TFloat32 imageTensor(float[] flat, int n) {
        ModelCard.Input in = card.input();
        return TFloat32.tensorOf(Shape.of(n, in.height(), in.width(), in.channels()), DataBuffers.of(flat, true, false));
    }

    private float[] run(SessionFunction fn, Map<String, float[]> feeds, String output, long expected) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            float[] flat = feeds.get(ModelCard.INPUT_IMAGE);
            int n = flat.length / card.input().size();
            try (TFloat32 image = imageTensor(flat, n);
                    Result result = fn.call(Map.<String, Tensor>of(ModelCard.INPUT_IMAGE, image))) {
                return read(result, output, expected);
            } catch (TensorFlowException e) {
                throw new ModelExecutionException("TensorFlow failed: " + e.getMessage(), e);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private float[][] run2(SessionFunction fn, float[] flat, float[] oneHot, int n, int k) {
        lifecycle.readLock().lock();
        try {
            ensureOpen();
            try (TFloat32 image = imageTensor(flat, n);
                    TFloat32 label = TFloat32.tensorOf(Shape.of(n, k), DataBuffers.of(oneHot, true, false));
                    Result result = fn.call(Map.<String, Tensor>of(ModelCard.INPUT_IMAGE, image, ModelCard.INPUT_LABEL, label))) {
                return new float[][] {read(result, ModelCard.OUTPUT_LOSS, n), read(result, ModelCard.OUTPUT_GRADIENT, flat.length)};
            } catch (TensorFlowException e) {
                throw new ModelExecutionException("TensorFlow failed: " + e.getMessage(), e);
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    static float[] read(Result result, String name, long expected) {
        Tensor t = result.get(name).orElseThrow(() -> new ModelExecutionException("no output '" + name + "'", null));
        if (!(t instanceof TFloat32 f)) {
            throw new ModelExecutionException("output '" + name + "' is not float32", null);
        }
        if (f.size() != expected) {
            throw new ModelExecutionException("output '" + name + "' has " + f.size() + " values, expected " + expected, null);
        }
        float[] out = new float[(int) expected];
        f.copyTo(DataBuffers.of(out, false, false));
        return out;
    }

    private void checkInputs(float[][] inputs) {
        Objects.requireNonNull(inputs, "inputs");
        int size = card.input().size();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null || inputs[i].length != size) {
                throw new IllegalArgumentException("input " + i + " must have " + size + " values ("
                        + card.input().height() + "x" + card.input().width() + "x" + card.input().channels() + ")");
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model " + card.name() + ":" + card.version() + " is closed");
        }
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                bundle.close();
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
