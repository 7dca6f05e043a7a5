package dev.aegis.demodata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SelectionRulesTest {

    private final SelectionRules rules = SelectionRules.defaults();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "none", value = {
            "car, car", "car-side, car", "car3, car", "car_outline, car", "racing-car, car", "taxi, car",
            "automobile, car", "police-car-light, none",
            "cart, none", "card, none", "carbon, none", "car-off, none", "car-wash, none", "car-parking, none",
            "shopping-cart, none", "car-battery, none", "car-seat, none",
            "bicycle, bike", "bike, bike", "motorcycle-outline, bike", "scooter2, bike", "person-biking, bike",
            "cargo-bike, none", "bicycle-slash, none", "bike-rack, none", "stationary-bike, none",
            "ship, ship", "sailboat, ship", "boat-outline, ship", "ferry, ship", "passenger-ship, ship",
            "ship-wheel, none", "shipping, none", "relationship, none", "spaceship, none", "boat-off, none",
            "car-ferry, none", "bike-taxi, none"
    })
    void classifiesNamesWordByWord(String name, String expected) {
        assertThat(rules.classifyName(name)).isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    void reviewedListDeniesIconsAndSetsAndAllowsSilentNames() throws IOException {
        SelectionRules r = load("""
                # comment
                deny alpha:car      # a logo
                deny logos:*
                allow alpha:vehicle-2 bike
                """);
        assertThat(r.classify("alpha", "car")).isEmpty();
        assertThat(r.classify("beta", "car")).contains("car");
        assertThat(r.classify("logos", "ship")).isEmpty();
        assertThat(r.setDenied("logos")).isTrue();
        assertThat(r.classify("alpha", "vehicle-2")).contains("bike");
    }

    @Test
    void rejectsMalformedReviewedLines() {
        assertThatThrownBy(() -> load("deny car-without-set\n")).hasMessageContaining("line 1");
        assertThatThrownBy(() -> load("allow alpha:x plane\n")).hasMessageContaining("line 1");
    }

    @Test
    void committedReviewedListParsesAndDeniesBrandSets() {
        assertThat(rules.setDenied("simple-icons")).isTrue();
        assertThat(rules.setDenied("mdi")).isFalse();
        assertThat(rules.labels()).containsExactly("bike", "car", "ship");
    }

    private static SelectionRules load(String reviewed) throws IOException {
        try (InputStream json = SelectionRules.class.getResourceAsStream(SelectionRules.RULES_RESOURCE)) {
            return SelectionRules.load(json, new ByteArrayInputStream(reviewed.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
