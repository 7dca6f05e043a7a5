package dev.aegis.model;

import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Run in a fresh JVM by ModelTest: loads the model and prints the probabilities, one line per input. */
public final class PredictMain {
    public static void main(String[] args) throws Exception {
        try (Model m = Model.load(Path.of(args[0]), RuntimeOptions.threads(1));
                DataInputStream in = new DataInputStream(Files.newInputStream(Path.of(args[1])))) {
            int size = m.card().input().size();
            List<float[]> inputs = new ArrayList<>();
            while (in.available() > 0) {
                float[] x = new float[size];
                for (int i = 0; i < size; i++) {
                    x[i] = in.readFloat();
                }
                inputs.add(x);
            }
            StringBuilder sb = new StringBuilder();
            for (Prediction p : m.predict(inputs)) {
                for (int j = 0; j < p.probabilities().length; j++) {
                    sb.append(j == 0 ? "" : ",").append(p.probabilities()[j]);
                }
                sb.append('\n');
            }
            System.out.print(sb);
        }
    }
}
