package dev.aegis.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** The optional input_gradient signature is checked like the card's signatures when a model has one. */
class InputGradientSignatureTest {

    static final int H = 4;
    static final int W = 4;
    static final int C = 1;
    static final int K = 3;

    /** A linear softmax model with the three signatures; {@code badGradient} exports the wrong tensor. */
    static Path export(Path dir, boolean badGradient) throws java.io.IOException {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> image = tf.withName(ModelCard.INPUT_IMAGE).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, H, W, C)));
            Placeholder<TFloat32> label = tf.withName(ModelCard.INPUT_LABEL).placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, K)));
            float[] init = new float[H * W * C * K];
            for (int i = 0; i < init.length; i++) {
                init[i] = (i % 7) / 7f - 0.4f;
            }
            var weights = tf.variable(tf.withInitScope().constant(Shape.of(H * W * C, K), DataBuffers.of(init, true, false)));
            Operand<TFloat32> logits = tf.linalg.matMul(tf.reshape(image, tf.constant(new long[] {-1, H * W * C})), weights);
            Operand<TFloat32> probs = tf.nn.softmax(logits);
            Operand<TFloat32> loss = tf.nn.softmaxCrossEntropyWithLogits(logits, label).loss();
            Operand<TFloat32> grad = tf.gradients(loss, List.of(image)).<TFloat32>dy(0);
            try (Session s = new Session(g)) {
                s.initialize();
                Signature predict = Signature.builder().key("serving_default").input(ModelCard.INPUT_IMAGE, image)
                        .output(ModelCard.OUTPUT_PROBABILITIES, probs).build();
                Signature lossGradient = Signature.builder().key("loss_gradient").input(ModelCard.INPUT_IMAGE, image)
                        .input(ModelCard.INPUT_LABEL, label).output(ModelCard.OUTPUT_LOSS, loss)
                        .output(ModelCard.OUTPUT_GRADIENT, grad).build();
                Signature inputGradient = Signature.builder().key(Model.INPUT_GRADIENT_SIGNATURE)
                        .input(ModelCard.INPUT_IMAGE, image).input(ModelCard.INPUT_LABEL, label)
                        .output(ModelCard.OUTPUT_GRADIENT, badGradient ? probs : grad).build();
                SavedModelBundle.exporter(dir.toString()).withTags(SavedModelBundle.DEFAULT_TAG).withSession(s)
                        .withSignatures(predict, lossGradient, inputGradient).export();
            }
        }
        new ModelCard("lin", "1", List.of("a", "b", "c"), new ModelCard.Input(H, W, C, 0, 1), ModelCard.Signatures.DEFAULT,
                Map.of(), null, Map.of(), null, java.time.Instant.parse("2026-01-01T00:00:00Z")).write(dir);
        return dir;
    }

    @Test
    void wellFormedSignatureIsUsed(@TempDir Path dir) throws Exception {
        try (Model m = Model.load(export(dir.resolve("m"), false), RuntimeOptions.threads(1))) {
            assertThat(m.hasFastInputGradient()).isTrue();
            float[][] x = {new float[H * W * C], new float[H * W * C]};
            x[1][3] = 0.7f;
            int[] y = {0, 2};
            assertThat(m.inputGradient(x, y)).isDeepEqualTo(m.lossGradient(x, y).gradient());
        }
    }

    @Test
    void signatureWithAnotherShapeIsInvalid(@TempDir Path dir) throws Exception {
        Path model = export(dir.resolve("m"), true);
        assertThatThrownBy(() -> Model.load(model, RuntimeOptions.threads(1)))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("'" + Model.INPUT_GRADIENT_SIGNATURE + "'")
                .hasMessageContaining("gradient");
    }
}
