package dev.aegis.model.train;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

import dev.aegis.model.ModelCard;

/** The layers of a network: built once (variables), applied twice (inference and training branches). */
abstract class Net {

    abstract Operand<TFloat32> apply(TrainableNetwork.Layers l, Operand<TFloat32> x, boolean training);

    /**
     * Gradient of the per-example cross-entropy w.r.t. the input (inference branch), written out
     * by hand, or null when the network has none (then only {@code tf.gradients} is exported).
     * Why: TensorFlow's CPU kernels for Conv2DBackpropInput (above all with one input channel)
     * and MaxPoolGrad took three quarters of an FGSM step on the compact CNN; a forward conv
     * with the flipped kernel and a mask-based max-pool gradient compute the same values faster.
     */
    Operand<TFloat32> inputGradient(TrainableNetwork.Layers l, Operand<TFloat32> x, Operand<TFloat32> label) {
        return null;
    }

    /**
     * Backprop through a stride-1 SAME conv to its input: a correlation of {@code dy} with the
     * kernel flipped in space and its in/out channels swapped (exact for odd kernel sizes).
     * With few input channels (the image), a depthwise conv and a sum over the upstream channels:
     * oneDNN's conv with one or three output channels was as slow as Conv2DBackpropInput.
     */
    static Operand<TFloat32> convInputGradient(Ops tf, Operand<TFloat32> dy, Variable<TFloat32> w, int h, int wd) {
        long cin = w.shape().get(2);
        long cout = w.shape().get(3);
        // [kh, kw, cout, cin]: also the depthwise filter layout (in channels, multiplier)
        Operand<TFloat32> flipped = tf.linalg.transpose(tf.reverse(w, tf.constant(new int[] {0, 1})),
                tf.constant(new int[] {0, 1, 3, 2}));
        List<Long> ones = List.of(1L, 1L, 1L, 1L);
        if (cin > 4) {
            return tf.nn.conv2d(dy, flipped, ones, "SAME");
        }
        Operand<TFloat32> perChannel = tf.nn.depthwiseConv2dNative(dy, flipped, ones, "SAME"); // channel o*cin+c
        Operand<TFloat32> split = tf.reshape(perChannel, tf.constant(new long[] {-1, h, wd, cout, cin}));
        return tf.reduceSum(split, tf.constant(3));
    }

    /**
     * Backprop through a 2x2 stride-2 SAME max pool of {@code a} (h x w x c) whose output is
     * {@code p}: the upstream gradient goes to the positions equal to their window's maximum.
     * MaxPoolGrad gives it to the first such position only; the two differ only on exact ties
     * of a positive activation (ties at zero are cancelled by the ReLU gradient that follows).
     */
    static Operand<TFloat32> maxPoolInputGradient(Ops tf, Operand<TFloat32> a, Operand<TFloat32> p,
            Operand<TFloat32> dp, int h, int w, int c) {
        if (h % 2 == 0 && w % 2 == 0) {
            // windows as their own axes, pooled values broadcast over them: no upsampled copies
            Operand<TFloat32> windows = tf.reshape(a, tf.constant(new long[] {-1, h / 2, 2, w / 2, 2, c}));
            Operand<TFloat32> max = tf.reshape(p, tf.constant(new long[] {-1, h / 2, 1, w / 2, 1, c}));
            Operand<TFloat32> up = tf.reshape(dp, tf.constant(new long[] {-1, h / 2, 1, w / 2, 1, c}));
            Operand<TFloat32> mask = tf.dtypes.cast(tf.math.equal(windows, max), TFloat32.class);
            return tf.reshape(tf.math.mul(mask, up), tf.constant(new long[] {-1, h, w, c}));
        }
        Operand<TFloat32> mask = tf.dtypes.cast(tf.math.equal(a, upsample2(tf, p, h, w, c)), TFloat32.class);
        return tf.math.mul(mask, upsample2(tf, dp, h, w, c));
    }

    /** Nearest-neighbour 2x upsampling of a ceil(h/2) x ceil(w/2) map, cropped to h x w. */
    private static Operand<TFloat32> upsample2(Ops tf, Operand<TFloat32> t, int h, int w, int c) {
        long ph = (h + 1) / 2;
        long pw = (w + 1) / 2;
        Operand<TFloat32> y = tf.reshape(t, tf.constant(new long[] {-1, ph, 1, pw, 1, c}));
        y = tf.tile(y, tf.constant(new long[] {1, 1, 2, 1, 2, 1}));
        y = tf.reshape(y, tf.constant(new long[] {-1, 2 * ph, 2 * pw, c}));
        if (2 * ph != h || 2 * pw != w) {
            y = tf.slice(y, tf.constant(new long[] {0, 0, 0, 0}), tf.constant(new long[] {-1, h, w, c}));
        }
        return y;
    }

    private static List<Long> ones() {
        return List.of(1L, 1L, 1L, 1L);
    }

    static Operand<TFloat32> conv(Ops tf, Operand<TFloat32> x, Variable<TFloat32> w, Variable<TFloat32> b, int stride) {
        return tf.nn.biasAdd(tf.nn.conv2d(x, w, List.of(1L, (long) stride, (long) stride, 1L), "SAME"), b);
    }

    static Operand<TFloat32> dense(Ops tf, Operand<TFloat32> x, Variable<TFloat32> w, Variable<TFloat32> b) {
        return tf.nn.biasAdd(tf.linalg.matMul(x, w), b);
    }

    static Operand<TFloat32> maxPool(TrainableNetwork.Layers l, Operand<TFloat32> x) {
        return l.tf.nn.maxPool(x, l.ints(1, 2, 2, 1), l.ints(1, 2, 2, 1), "SAME");
    }

    static Operand<TFloat32> swish(Ops tf, Operand<TFloat32> x) {
        return tf.math.mul(x, tf.math.sigmoid(x));
    }

    /** conv3x3-ReLU-maxpool stages (32, 64, 128, 128 filters) until the map is <= 8x8, dense 128, dropout. */
    static Net compactCnn(TrainableNetwork.Layers l, ModelCard.Input in, int k) {
        int[] filters = {32, 64, 128, 128, 128};
        List<Variable<TFloat32>[]> convs = new ArrayList<>();
        List<int[]> maps = new ArrayList<>(); // h, w, c of each stage's activation (the pool's input)
        int h = in.height();
        int w = in.width();
        int c = in.channels();
        int stage = 0;
        do {
            int f = filters[Math.min(stage, filters.length - 1)];
            @SuppressWarnings("unchecked")
            Variable<TFloat32>[] pair = new Variable[] {
                    l.kernel("conv" + stage + "_w", Shape.of(3, 3, c, f), 9L * c, 9L * f),
                    l.bias("conv" + stage + "_b", f, 0f)};
            convs.add(pair);
            maps.add(new int[] {h, w, f});
            c = f;
            h = (h + 1) / 2;
            w = (w + 1) / 2;
            stage++;
        } while (Math.max(h, w) > 8 && stage < 6);
        long flat = (long) h * w * c;
        Variable<TFloat32> d1w = l.kernel("dense_w", Shape.of(flat, 128), flat, 128);
        Variable<TFloat32> d1b = l.bias("dense_b", 128, 0f);
        Variable<TFloat32> d2w = l.kernel("out_w", Shape.of(128, k), 128, k);
        Variable<TFloat32> d2b = l.bias("out_b", k, 0f);
        double rate = l.config.dropout();
        return new Net() {
            @Override
            Operand<TFloat32> apply(TrainableNetwork.Layers l, Operand<TFloat32> x, boolean training) {
                Ops tf = l.tf;
                // centre the inputs: [0,1] -> [-0.5,0.5] speeds up the first epochs
                Operand<TFloat32> y = tf.math.sub(x, tf.constant(0.5f));
                for (Variable<TFloat32>[] cv : convs) {
                    y = maxPool(l, tf.nn.relu(conv(tf, y, cv[0], cv[1], 1)));
                }
                y = tf.reshape(y, tf.constant(new long[] {-1, flat}));
                y = tf.nn.relu(dense(tf, y, d1w, d1b));
                if (training) {
                    y = l.dropout(y, rate, 0);
                }
                return dense(tf, y, d2w, d2b);
            }

            @Override
            Operand<TFloat32> inputGradient(TrainableNetwork.Layers l, Operand<TFloat32> x, Operand<TFloat32> label) {
                Ops tf = l.tf;
                // the inference forward pass again, keeping each stage's activation and pool
                List<Operand<TFloat32>> acts = new ArrayList<>();
                List<Operand<TFloat32>> pools = new ArrayList<>();
                Operand<TFloat32> y = tf.math.sub(x, tf.constant(0.5f));
                for (Variable<TFloat32>[] cv : convs) {
                    Operand<TFloat32> a = tf.nn.relu(conv(tf, y, cv[0], cv[1], 1));
                    y = maxPool(l, a);
                    acts.add(a);
                    pools.add(y);
                }
                Operand<TFloat32> hidden = tf.nn.relu(dense(tf, tf.reshape(y, tf.constant(new long[] {-1, flat})), d1w, d1b));
                Operand<TFloat32> logits = dense(tf, hidden, d2w, d2b);
                // d CE / d logits = softmax - label, then back through the layers
                Operand<TFloat32> g = tf.nn.softmaxCrossEntropyWithLogits(logits, label).backprop();
                g = tf.linalg.matMul(g, d2w, MatMul.transposeB(true));
                g = tf.nn.reluGrad(g, hidden);
                g = tf.linalg.matMul(g, d1w, MatMul.transposeB(true));
                int[] last = maps.get(maps.size() - 1);
                g = tf.reshape(g, tf.constant(new long[] {-1, (last[0] + 1) / 2, (last[1] + 1) / 2, last[2]}));
                for (int i = convs.size() - 1; i >= 0; i--) {
                    int[] m = maps.get(i);
                    // ReLU before the pool: its gradient taken on the pooled map (4x smaller) is the
                    // same, since a window's maximum is 0 exactly when all its activations are 0
                    g = tf.nn.reluGrad(g, pools.get(i));
                    g = maxPoolInputGradient(tf, acts.get(i), pools.get(i), g, m[0], m[1], m[2]);
                    g = convInputGradient(tf, g, convs.get(i)[0], m[0], m[1]);
                }
                return g; // d (x - 0.5) / dx = 1
            }
        };
    }

    /**
     * EfficientNet-B0-style: stem conv stride 2 + swish; MBConv blocks (expand 1x1, depthwise 3x3,
     * squeeze-excitation 0.25, project 1x1, identity skip when shapes match); head 1x1 conv, global
     * average pooling, dropout, dense.
     */
    static Net efficientNet(TrainableNetwork.Layers l, ModelCard.Input in, int k) {
        // B0's stages at width 0.5, one block each, 3x3 depthwise: (expansion, channels, stride)
        int[][] stages = {{1, 8, 1}, {6, 12, 2}, {6, 20, 2}, {6, 40, 2}, {6, 56, 1}, {6, 96, 2}, {6, 160, 1}};
        return efficientNet(l, in, k, 16, stages, new int[] {1, 1, 1, 1, 1, 1, 1}, new int[] {3, 3, 3, 3, 3, 3, 3}, 320);
    }

    /** The published B0 (Tan & Le 2019, table 1): width and depth 1.0, 16 MBConv blocks, head 1280. */
    static Net efficientNetB0Full(TrainableNetwork.Layers l, ModelCard.Input in, int k) {
        int[][] stages = {{1, 16, 1}, {6, 24, 2}, {6, 40, 2}, {6, 80, 2}, {6, 112, 1}, {6, 192, 2}, {6, 320, 1}};
        return efficientNet(l, in, k, 32, stages, new int[] {1, 2, 2, 3, 3, 4, 1}, new int[] {3, 3, 5, 3, 5, 5, 3}, 1280);
    }

    private static Net efficientNet(TrainableNetwork.Layers l, ModelCard.Input in, int k, int stem, int[][] stages,
                                    int[] repeats, int[] kernels, int head) {
        Ops tf = l.tf;
        Variable<TFloat32> stemW = l.kernel("stem_w", Shape.of(3, 3, in.channels(), stem), 9L * in.channels(), 9L * stem);
        Variable<TFloat32> stemB = l.bias("stem_b", stem, 0f);
        List<Block> blocks = new ArrayList<>();
        int c = stem;
        int size = (Math.min(in.height(), in.width()) + 1) / 2;
        for (int s = 0; s < stages.length; s++) {
            for (int r = 0; r < repeats[s]; r++) {
                // only a stage's first block changes resolution (and channels)
                int stride = r == 0 ? stages[s][2] : 1;
                if (stride == 2 && size <= 2) {
                    stride = 1;
                }
                size = stride == 2 ? (size + 1) / 2 : size;
                // the original names (mb0..mb6) for one block per stage: exported models keep loading
                String name = repeats[s] == 1 ? "mb" + s : "mb" + s + "_" + r;
                blocks.add(new Block(l, name, c, stages[s][0], stages[s][1], stride, kernels[s]));
                c = stages[s][1];
            }
        }
        Variable<TFloat32> headW = l.kernel("head_w", Shape.of(1, 1, c, head), c, head);
        Variable<TFloat32> headB = l.bias("head_b", head, 0f);
        Variable<TFloat32> outW = l.kernel("out_w", Shape.of(head, k), head, k);
        Variable<TFloat32> outB = l.bias("out_b", k, 0f);
        double rate = l.config.dropout();
        return new Net() {
            @Override
            Operand<TFloat32> apply(TrainableNetwork.Layers l, Operand<TFloat32> x, boolean training) {
                Operand<TFloat32> y = tf.math.sub(x, tf.constant(0.5f));
                y = swish(tf, conv(tf, y, stemW, stemB, 2));
                for (Block b : blocks) {
                    y = b.apply(tf, y);
                }
                y = swish(tf, conv(tf, y, headW, headB, 1));
                y = tf.math.mean(y, tf.constant(new int[] {1, 2}));
                if (training) {
                    y = l.dropout(y, rate, 1);
                }
                return dense(tf, y, outW, outB);
            }
        };
    }

    /** One MBConv block with squeeze-and-excitation. */
    static final class Block {
        final Variable<TFloat32> expandW;
        final Variable<TFloat32> expandB;
        final Variable<TFloat32> dwW;
        final Variable<TFloat32> dwB;
        final Variable<TFloat32> se1W;
        final Variable<TFloat32> se1B;
        final Variable<TFloat32> se2W;
        final Variable<TFloat32> se2B;
        final Variable<TFloat32> projW;
        final Variable<TFloat32> projB;
        final int stride;
        final boolean skip;

        Block(TrainableNetwork.Layers l, String name, int cin, int expansion, int cout, int stride, int kernel) {
            int mid = cin * expansion;
            int se = Math.max(1, cin / 4);
            this.expandW = expansion == 1 ? null : l.kernel(name + "_expand_w", Shape.of(1, 1, cin, mid), cin, mid);
            this.expandB = expansion == 1 ? null : l.bias(name + "_expand_b", mid, 0f);
            this.dwW = l.kernel(name + "_dw_w", Shape.of(kernel, kernel, mid, 1), (long) kernel * kernel,
                    (long) kernel * kernel);
            this.dwB = l.bias(name + "_dw_b", mid, 0f);
            this.se1W = l.kernel(name + "_se1_w", Shape.of(mid, se), mid, se);
            this.se1B = l.bias(name + "_se1_b", se, 0f);
            this.se2W = l.kernel(name + "_se2_w", Shape.of(se, mid), se, mid);
            this.se2B = l.bias(name + "_se2_b", mid, 1f);
            this.projW = l.kernel(name + "_proj_w", Shape.of(1, 1, mid, cout), mid, cout);
            this.projB = l.bias(name + "_proj_b", cout, 0f);
            this.stride = stride;
            this.skip = stride == 1 && cin == cout;
        }

        Operand<TFloat32> apply(Ops tf, Operand<TFloat32> x) {
            Operand<TFloat32> y = x;
            if (expandW != null) {
                y = swish(tf, conv(tf, y, expandW, expandB, 1));
            }
            y = swish(tf, tf.nn.biasAdd(tf.nn.depthwiseConv2dNative(y, dwW,
                    List.of(1L, (long) stride, (long) stride, 1L), "SAME"), dwB));
            Operand<TFloat32> squeezed = tf.math.mean(y, tf.constant(new int[] {1, 2}));
            Operand<TFloat32> s = swish(tf, dense(tf, squeezed, se1W, se1B));
            s = tf.math.sigmoid(dense(tf, s, se2W, se2B));
            Operand<TFloat32> scale = tf.reshape(s, tf.constant(new long[] {-1, 1, 1, projW.shape().get(2)}));
            y = tf.math.mul(y, scale);
            y = conv(tf, y, projW, projB, 1);
            return skip ? tf.math.add(y, x) : y;
        }
    }
}
