package dev.aegis.model.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import dev.aegis.model.Classifier;
import dev.aegis.model.LossGradient;
import dev.aegis.model.Model;
import dev.aegis.model.ModelCard;

/**
 * A network being trained, in graph mode. Two branches share the variables: a training branch
 * (dropout) and an inference branch (what the SavedModel signatures expose). Gradients are taken
 * for the explicit list of trainable variables and applied with ApplyAdam (Optimizer.minimize
 * differentiates every variable, which fails on non-trainable state). Not thread-safe.
 */
public final class TrainableNetwork implements Classifier, AutoCloseable {

    private final Graph graph;
    private final Session session;
    private final ModelCard card;
    private final TrainingConfig config;
    private final int batchLimit = 256;

    private final Placeholder<TFloat32> image;
    private final Placeholder<TFloat32> label;
    private final Placeholder<TFloat32> lr;
    private final Placeholder<TFloat32> beta1Power;
    private final Placeholder<TFloat32> beta2Power;
    private final Operand<TFloat32> probabilities;
    private final Operand<TFloat32> logits;
    private final Operand<TFloat32> lossPerExample;
    private final Operand<TFloat32> inputGradient;
    /** Hand-written input gradient (same values, faster kernels), or null: see Net#inputGradient. */
    private final Operand<TFloat32> fastInputGradient;
    private final Operand<TFloat32> trainLoss;
    private final Operand<TFloat32> trainLogits;
    private final List<Op> trainOps = new ArrayList<>();
    private final List<Variable<TFloat32>> trainable = new ArrayList<>();
    private final List<Placeholder<TFloat32>> restoreFeeds = new ArrayList<>();
    private final List<Op> restoreOps = new ArrayList<>();
    private long step;

    /**
     * @param card the card of the model being trained (labels and input); metrics are added later
     */
    public TrainableNetwork(ModelCard card, TrainingConfig config) {
        this.card = card;
        this.config = config;
        this.graph = new Graph();
        boolean ok = false;
        try {
            Ops tf = Ops.create(graph);
            ModelCard.Input in = card.input();
            int k = card.labels().size();
            image = tf.withName(ModelCard.INPUT_IMAGE).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, in.height(), in.width(), in.channels())));
            label = tf.withName(ModelCard.INPUT_LABEL).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, k)));
            lr = tf.withName("learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            beta1Power = tf.withName("beta1_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
            beta2Power = tf.withName("beta2_power").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));

            Layers layers = new Layers(tf, new SplittableRandom(config.seed()), config, trainable);
            Net net = switch (config.architecture()) {
                case COMPACT_CNN -> Net.compactCnn(layers, in, k);
                case EFFICIENTNET_B0 -> Net.efficientNet(layers, in, k);
                case EFFICIENTNET_B0_FULL -> Net.efficientNetB0Full(layers, in, k);
            };
            // inference branch: what the signatures expose
            logits = tf.withName(ModelCard.OUTPUT_LOGITS).identity(net.apply(layers, image, false));
            probabilities = tf.withName(ModelCard.OUTPUT_PROBABILITIES).nn.softmax(logits);
            lossPerExample = tf.withName(ModelCard.OUTPUT_LOSS).identity(
                    tf.nn.softmaxCrossEntropyWithLogits(logits, label).loss());
            inputGradient = tf.withName(ModelCard.OUTPUT_GRADIENT).identity(
                    tf.gradients(lossPerExample, List.of(image)).<TFloat32>dy(0));
            Operand<TFloat32> fast = net.inputGradient(layers, image, label);
            fastInputGradient = fast == null ? null
                    : tf.withName(Model.INPUT_GRADIENT_SIGNATURE).identity(fast);

            // training branch: dropout on, L2 on kernels
            trainLogits = net.apply(layers, image, true);
            Operand<TFloat32> ce = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(trainLogits, label).loss(),
                    tf.constant(0));
            Operand<TFloat32> loss = ce;
            if (config.l2() > 0 && !layers.kernels.isEmpty()) {
                List<Operand<TFloat32>> l2s = new ArrayList<>();
                for (Variable<TFloat32> w : layers.kernels) {
                    l2s.add(tf.nn.l2Loss(tf.identity(w)));
                }
                loss = tf.math.add(ce, tf.math.mul(tf.constant((float) config.l2()), tf.math.addN(l2s)));
            }
            trainLoss = loss;
            var grads = tf.gradients(loss, trainable);
            Operand<TFloat32> beta1 = tf.constant(0.9f);
            Operand<TFloat32> beta2 = tf.constant(0.999f);
            Operand<TFloat32> epsilon = tf.constant(1e-7f);
            for (int i = 0; i < trainable.size(); i++) {
                Variable<TFloat32> v = trainable.get(i);
                Shape shape = v.shape();
                Variable<TFloat32> m = tf.withName("adam_m_" + i).variable(zeros(tf, shape));
                Variable<TFloat32> s = tf.withName("adam_v_" + i).variable(zeros(tf, shape));
                trainOps.add(tf.train.applyAdam(v, m, s, beta1Power, beta2Power, lr, beta1, beta2, epsilon,
                        grads.<TFloat32>dy(i)));
                Placeholder<TFloat32> feed = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
                restoreFeeds.add(feed);
                restoreOps.add(tf.assign(v, feed));
            }
            session = new Session(graph, org.tensorflow.proto.ConfigProto.newBuilder()
                    .setIntraOpParallelismThreads(config.threads())
                    .setInterOpParallelismThreads(config.threads() == 0 ? 0 : 1)
                    .build());
            session.initialize();
            ok = true;
        } finally {
            if (!ok) {
                graph.close();
            }
        }
    }

    static Operand<TFloat32> zeros(Ops tf, Shape shape) {
        return tf.withInitScope().constant(shape, DataBuffers.ofFloats(shape.size()));
    }

    @Override
    public ModelCard card() {
        return card;
    }

    public TrainingConfig config() {
        return config;
    }

    /** Number of trainable variables (tensors, not parameters). */
    public int variableCount() {
        return trainable.size();
    }

    public int parameterCount() {
        long n = 0;
        for (Variable<TFloat32> v : trainable) {
            n += v.shape().size();
        }
        return (int) n;
    }

    /** Result of one optimisation step. */
    public record StepResult(float loss, int correct) {
    }

    /** One Adam step on a batch (inputs in pixel space / the card's range). */
    public StepResult trainStep(float[][] x, int[] y, double learningRate) {
        step++;
        float b1p = (float) Math.pow(0.9, step);
        float b2p = (float) Math.pow(0.999, step);
        int n = x.length;
        int k = card.labels().size();
        try (TFloat32 xt = images(x, 0, n);
                TFloat32 yt = oneHot(y, 0, n);
                TFloat32 lrT = TFloat32.scalarOf((float) learningRate);
                TFloat32 b1 = TFloat32.scalarOf(b1p);
                TFloat32 b2 = TFloat32.scalarOf(b2p)) {
            Session.Runner r = session.runner().feed(image, xt).feed(label, yt).feed(lr, lrT)
                    .feed(beta1Power, b1).feed(beta2Power, b2).fetch(trainLoss).fetch(trainLogits);
            for (Op op : trainOps) {
                r.addTarget(op);
            }
            try (Result res = r.run()) {
                float loss = ((TFloat32) res.get(0)).getFloat();
                float[] lg = new float[n * k];
                ((TFloat32) res.get(1)).copyTo(DataBuffers.of(lg, false, false));
                int correct = 0;
                for (int i = 0; i < n; i++) {
                    if (argMax(lg, i * k, k) == y[i]) {
                        correct++;
                    }
                }
                return new StepResult(loss, correct);
            }
        }
    }

    @Override
    public float[][] probabilities(float[][] inputs) {
        int k = card.labels().size();
        float[][] out = new float[inputs.length][];
        for (int start = 0; start < inputs.length; start += batchLimit) {
            int n = Math.min(batchLimit, inputs.length - start);
            try (TFloat32 xt = images(inputs, start, n);
                    Result res = session.runner().feed(image, xt).fetch(probabilities).run()) {
                float[] flat = new float[n * k];
                ((TFloat32) res.get(0)).copyTo(DataBuffers.of(flat, false, false));
                for (int i = 0; i < n; i++) {
                    out[start + i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
                }
            }
        }
        return out;
    }

    @Override
    public LossGradient lossGradient(float[][] inputs, int[] labels) {
        int size = card.input().size();
        float[] loss = new float[inputs.length];
        float[][] grad = new float[inputs.length][];
        for (int start = 0; start < inputs.length; start += batchLimit) {
            int n = Math.min(batchLimit, inputs.length - start);
            try (TFloat32 xt = images(inputs, start, n);
                    TFloat32 yt = oneHot(labels, start, n);
                    Result res = session.runner().feed(image, xt).feed(label, yt)
                            .fetch(lossPerExample).fetch(inputGradient).run()) {
                float[] l = new float[n];
                ((TFloat32) res.get(0)).copyTo(DataBuffers.of(l, false, false));
                System.arraycopy(l, 0, loss, start, n);
                float[] g = new float[n * size];
                ((TFloat32) res.get(1)).copyTo(DataBuffers.of(g, false, false));
                for (int i = 0; i < n; i++) {
                    grad[start + i] = Arrays.copyOfRange(g, i * size, (i + 1) * size);
                }
            }
        }
        return new LossGradient(loss, grad);
    }

    /** The gradient alone, through the hand-written gradient when the network has one. */
    @Override
    public float[][] inputGradient(float[][] inputs, int[] labels) {
        if (fastInputGradient == null) {
            return lossGradient(inputs, labels).gradient();
        }
        int size = card.input().size();
        float[][] grad = new float[inputs.length][];
        for (int start = 0; start < inputs.length; start += batchLimit) {
            int n = Math.min(batchLimit, inputs.length - start);
            try (TFloat32 xt = images(inputs, start, n);
                    TFloat32 yt = oneHot(labels, start, n);
                    Result res = session.runner().feed(image, xt).feed(label, yt).fetch(fastInputGradient).run()) {
                float[] g = new float[n * size];
                ((TFloat32) res.get(0)).copyTo(DataBuffers.of(g, false, false));
                for (int i = 0; i < n; i++) {
                    grad[start + i] = Arrays.copyOfRange(g, i * size, (i + 1) * size);
                }
            }
        }
        return grad;
    }

    /** Copy of every trainable weight (for EarlyStopping's best-weights restore). */
    public float[][] snapshot() {
        Session.Runner r = session.runner();
        for (Variable<TFloat32> v : trainable) {
            r.fetch(v);
        }
        try (Result res = r.run()) {
            float[][] out = new float[trainable.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = new float[(int) trainable.get(i).shape().size()];
                ((TFloat32) res.get(i)).copyTo(DataBuffers.of(out[i], false, false));
            }
            return out;
        }
    }

    public void restore(float[][] weights) {
        List<TFloat32> tensors = new ArrayList<>();
        try {
            Session.Runner r = session.runner();
            for (int i = 0; i < weights.length; i++) {
                if (weights[i] == null) {
                    continue; // keep this variable's current value
                }
                TFloat32 t = TFloat32.tensorOf(trainable.get(i).shape(), DataBuffers.of(weights[i], true, false));
                tensors.add(t);
                r.feed(restoreFeeds.get(i), t).addTarget(restoreOps.get(i));
            }
            r.run().close();
        } finally {
            tensors.forEach(TFloat32::close);
        }
    }

    /**
     * Initialises the trainable variables that also exist in another SavedModel (same variable
     * name and shape) with its values: fine-tuning from a backbone, or adversarial training that
     * starts from a standard model. Variables without a match keep their seeded initial values
     * (e.g. a classifier head for a different number of labels). Adam's state is not copied.
     *
     * @return the names of the variables that were initialised
     */
    public List<String> initializeFrom(Path savedModelDir) {
        if (!Files.isRegularFile(savedModelDir.resolve("saved_model.pb"))) {
            throw new IllegalArgumentException("no SavedModel (saved_model.pb) in " + savedModelDir);
        }
        List<Integer> fetched = new ArrayList<>();
        List<String> names = new ArrayList<>();
        float[][] values = new float[trainable.size()][];
        try (SavedModelBundle b = SavedModelBundle.loader(savedModelDir.toString())
                .withTags(SavedModelBundle.DEFAULT_TAG).load()) {
            Session.Runner r = b.session().runner();
            for (int i = 0; i < trainable.size(); i++) {
                String name = trainable.get(i).op().name();
                var op = b.graph().operation(name);
                // VariableV2 outputs are reference types (DT_FLOAT_REF)
                if (op == null || op.numOutputs() != 1 || !(op.output(0).dataType() == org.tensorflow.proto.DataType.DT_FLOAT
                        || op.output(0).dataType() == org.tensorflow.proto.DataType.DT_FLOAT_REF)) {
                    continue;
                }
                fetched.add(i);
                r.fetch(name);
            }
            if (fetched.isEmpty()) {
                return names;
            }
            try (Result res = r.run()) {
                for (int j = 0; j < fetched.size(); j++) {
                    int i = fetched.get(j);
                    TFloat32 t = (TFloat32) res.get(j);
                    if (!t.shape().equals(trainable.get(i).shape())) {
                        continue; // e.g. a classifier head for another number of labels
                    }
                    values[i] = new float[(int) trainable.get(i).shape().size()];
                    t.copyTo(DataBuffers.of(values[i], false, false));
                    names.add(trainable.get(i).op().name());
                }
            }
        } catch (org.tensorflow.exceptions.TensorFlowException e) {
            throw new IllegalArgumentException("cannot read the SavedModel in " + savedModelDir + ": " + e.getMessage(),
                    e);
        }
        restore(values);
        return names;
    }

    /**
     * Writes the SavedModel (signatures {@code serving_default} and {@code loss_gradient}) and the
     * card into {@code dir}.
     */
    public void export(Path dir, ModelCard finalCard) {
        try {
            if (Files.exists(dir.resolve("saved_model.pb"))) {
                throw new IOException("a model already exists in " + dir);
            }
            Files.createDirectories(dir);
            Signature predict = Signature.builder().key(finalCard.signatures().predict())
                    .input(ModelCard.INPUT_IMAGE, image)
                    .output(ModelCard.OUTPUT_PROBABILITIES, probabilities)
                    .output(ModelCard.OUTPUT_LOGITS, logits)
                    .build();
            Signature gradient = Signature.builder().key(finalCard.signatures().lossGradient())
                    .input(ModelCard.INPUT_IMAGE, image)
                    .input(ModelCard.INPUT_LABEL, label)
                    .output(ModelCard.OUTPUT_LOSS, lossPerExample)
                    .output(ModelCard.OUTPUT_GRADIENT, inputGradient)
                    .build();
            List<Signature> signatures = new ArrayList<>(List.of(predict, gradient));
            if (fastInputGradient != null) {
                // optional: Model uses it when present, older models keep the loss_gradient path
                signatures.add(Signature.builder().key(Model.INPUT_GRADIENT_SIGNATURE)
                        .input(ModelCard.INPUT_IMAGE, image)
                        .input(ModelCard.INPUT_LABEL, label)
                        .output(ModelCard.OUTPUT_GRADIENT, fastInputGradient)
                        .build());
            }
            SavedModelBundle.exporter(dir.toString()).withTags(SavedModelBundle.DEFAULT_TAG)
                    .withSession(session).withSignatures(signatures.toArray(new Signature[0])).export();
            finalCard.write(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TFloat32 images(float[][] x, int start, int n) {
        ModelCard.Input in = card.input();
        int size = in.size();
        float[] flat = new float[n * size];
        for (int i = 0; i < n; i++) {
            if (x[start + i].length != size) {
                throw new IllegalArgumentException("input must have " + size + " values");
            }
            System.arraycopy(x[start + i], 0, flat, i * size, size);
        }
        return TFloat32.tensorOf(Shape.of(n, in.height(), in.width(), in.channels()), DataBuffers.of(flat, true, false));
    }

    private TFloat32 oneHot(int[] y, int start, int n) {
        int k = card.labels().size();
        float[] flat = new float[n * k];
        for (int i = 0; i < n; i++) {
            flat[i * k + y[start + i]] = 1f;
        }
        return TFloat32.tensorOf(Shape.of(n, k), DataBuffers.of(flat, true, false));
    }

    static int argMax(float[] v, int offset, int k) {
        int best = 0;
        for (int i = 1; i < k; i++) {
            if (v[offset + i] > v[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }

    /** Variable factory with seeded Glorot/He initialisation computed in Java (reproducible). */
    static final class Layers {
        final Ops tf;
        final SplittableRandom random;
        final TrainingConfig config;
        final List<Variable<TFloat32>> trainable;
        final List<Variable<TFloat32>> kernels = new ArrayList<>();
        int dropoutOps;

        Layers(Ops tf, SplittableRandom random, TrainingConfig config, List<Variable<TFloat32>> trainable) {
            this.tf = tf;
            this.random = random;
            this.config = config;
            this.trainable = trainable;
        }

        Variable<TFloat32> kernel(String name, Shape shape, long fanIn, long fanOut) {
            double limit = Math.sqrt(6.0 / (fanIn + fanOut));
            float[] init = new float[(int) shape.size()];
            for (int i = 0; i < init.length; i++) {
                init[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
            }
            Variable<TFloat32> v = tf.withName(name).variable(
                    tf.withInitScope().constant(shape, DataBuffers.of(init, true, false)));
            trainable.add(v);
            kernels.add(v);
            return v;
        }

        Variable<TFloat32> bias(String name, long n, float value) {
            float[] init = new float[(int) n];
            Arrays.fill(init, value);
            Variable<TFloat32> v = tf.withName(name).variable(
                    tf.withInitScope().constant(Shape.of(n), DataBuffers.of(init, true, false)));
            trainable.add(v);
            return v;
        }

        Operand<TFloat32> dropout(Operand<TFloat32> x, double rate, int index) {
            if (rate <= 0) {
                return x;
            }
            Operand<TFloat32> u = tf.random.randomUniform(tf.shape(x), TFloat32.class,
                    RandomUniform.seed(config.seed()), RandomUniform.seed2((long) index + 1));
            Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant((float) rate)), TFloat32.class);
            return tf.math.mul(x, tf.math.mul(keep, tf.constant((float) (1.0 / (1.0 - rate)))));
        }

        Operand<TInt32> ints(int... v) {
            return tf.constant(v);
        }
    }
}
