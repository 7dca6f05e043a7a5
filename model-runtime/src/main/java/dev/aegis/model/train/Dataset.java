package dev.aegis.model.train;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Images already preprocessed to the model's input (pixel space [0,1], NHWC without batch) and
 * their label indices.
 */
public record Dataset(float[][] x, int[] y, int height, int width, int channels, List<String> labels) {

    public Dataset {
        if (x.length != y.length) {
            throw new IllegalArgumentException("one label per image required");
        }
        labels = List.copyOf(labels);
    }

    public int size() {
        return x.length;
    }

    public Dataset subset(int[] indices) {
        float[][] sx = new float[indices.length][];
        int[] sy = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            sx[i] = x[indices[i]];
            sy[i] = y[indices[i]];
        }
        return new Dataset(sx, sy, height, width, channels, labels);
    }

    public Dataset first(int n) {
        int[] idx = new int[Math.min(n, size())];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        return subset(idx);
    }

    public int[] countsPerClass() {
        int[] c = new int[labels.size()];
        for (int v : y) {
            c[v]++;
        }
        return c;
    }

    /** SHA-256 over labels, shape, every pixel and label: changes when any of them changes. */
    public String fingerprint() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(String.join("\n", labels).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update(java.nio.ByteBuffer.allocate(12).putInt(height).putInt(width).putInt(channels).array());
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * (height * width * channels + 1));
            for (int i = 0; i < x.length; i++) {
                buf.clear();
                for (float v : x[i]) {
                    buf.putFloat(v);
                }
                buf.putInt(y[i]);
                md.update(buf.array(), 0, buf.position());
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
