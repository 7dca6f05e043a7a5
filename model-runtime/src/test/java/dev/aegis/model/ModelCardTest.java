package dev.aegis.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCardTest {

    static ModelCard full() {
        return new ModelCard("aegis-demo", "3", List.of("bike", "car", "ship"), new ModelCard.Input(64, 64, 3, 0, 1),
                ModelCard.Signatures.DEFAULT, Map.of("epochs", 12, "optimizer", "adam"),
                new ModelCard.Dataset("demo", "sha256:abc", Map.of("train", 10), "icons"),
                Map.of("test_accuracy", 0.93), new ModelCard.Detector(4, 2, 0.41, 0.05),
                Instant.parse("2026-11-27T03:00:00Z"));
    }

    @Test
    void roundTripsThroughJsonAndTheFolder(@TempDir Path dir) {
        ModelCard card = full();
        card.write(dir);
        ModelCard read = ModelCard.read(dir);
        assertThat(read).isEqualTo(card);
        assertThat(card.toJson()).contains("\"created\" : \"2026-11-27T03:00:00Z\"").contains("\"lossGradient\"");
        assertThat(read.labelIndex("car")).isEqualTo(1);
        assertThat(read.labelIndex("plane")).isEqualTo(-1);
    }

    @Test
    void detectorSettingsListTheSqueezersAndCardsOfTheFirstFormatStillLoad() {
        ModelCard.Detector d = new ModelCard.Detector(List.of("bit-depth-1", "median-2x2"), 0.3, 0.05);
        ModelCard card = full().withDetector(d);
        assertThat(card.toJson()).contains("\"squeezers\" : [ \"bit-depth-1\", \"median-2x2\" ]")
                .doesNotContain("bitDepth");
        assertThat(ModelCard.fromJson(card.toJson()).detector()).isEqualTo(d);
        ModelCard old = ModelCard.fromJson("""
                {"name":"m","version":"1","labels":["a","b"],
                 "input":{"height":28,"width":28,"channels":1,"valueMin":0,"valueMax":1},
                 "detector":{"bitDepth":4,"medianSize":2,"threshold":0.41,"targetFpr":0.05}}""");
        assertThat(old.detector()).isEqualTo(new ModelCard.Detector(List.of("bit-depth-4", "median-2x2"), 0.41, 0.05));
        assertThat(new ModelCard.Detector(2, 1, 0.5, 0.05).squeezers()).containsExactly("bit-depth-2");
        assertThatThrownBy(() -> ModelCard.fromJson("""
                {"name":"m","version":"1","labels":["a","b"],
                 "input":{"height":28,"width":28,"channels":1,"valueMin":0,"valueMax":1},
                 "detector":{"squeezers":["blur-9"],"threshold":0.41,"targetFpr":0.05}}"""))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("blur-9");
    }

    @Test
    void missingSignaturesMeanTheDefaultsAndUnknownFieldsAreIgnored() {
        ModelCard c = ModelCard.fromJson("""
                {"name":"m","version":"1","labels":["a","b"],"future":42,
                 "input":{"height":28,"width":28,"channels":1,"valueMin":0,"valueMax":1}}""");
        assertThat(c.signatures()).isEqualTo(ModelCard.Signatures.DEFAULT);
        assertThat(c.metrics()).isEmpty();
        assertThat(c.detector()).isNull();
    }

    @Test
    void invalidCardsAreRejectedWithAMessage(@TempDir Path dir) {
        assertThatThrownBy(() -> ModelCard.fromJson("{not json")).isInstanceOf(InvalidModelException.class);
        assertThatThrownBy(() -> ModelCard.fromJson("""
                {"name":"m","version":"1","labels":["a"],
                 "input":{"height":28,"width":28,"channels":1,"valueMin":0,"valueMax":1}}"""))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("two labels");
        assertThatThrownBy(() -> ModelCard.fromJson("""
                {"name":"m","version":"1","labels":["a","b"],
                 "input":{"height":28,"width":28,"channels":2,"valueMin":0,"valueMax":1}}"""))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("channels");
        assertThatThrownBy(() -> ModelCard.fromJson("""
                {"name":"m","version":"1","labels":["a","b"]}"""))
                .isInstanceOf(InvalidModelException.class).hasMessageContaining("input");
        assertThatThrownBy(() -> ModelCard.read(dir)).isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("model-card.json");
    }
}
