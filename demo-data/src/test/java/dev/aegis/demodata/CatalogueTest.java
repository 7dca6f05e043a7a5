package dev.aegis.demodata;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class CatalogueTest {

    @Test
    void selectsByNameKeepsOnlyAllowedLicencesAndCountsADrawingOnce() throws Exception {
        Catalogue c = Fixtures.catalogue();

        assertThat(keys(c, "car")).containsExactly("alpha:car", "alpha:wide-car", "delta:car-side");
        assertThat(keys(c, "bike")).containsExactly("alpha:bicycle", "alpha:moped", "alpha:motorbike",
                "delta:scooter", "gamma:person-biking");
        assertThat(keys(c, "ship")).containsExactly("alpha:sailboat", "delta:ferry", "gamma:ship");
        // the NC set is read but never used, and named as rejected for the NOTICE
        assertThat(c.usedSets()).containsOnlyKeys("alpha", "delta", "gamma");
        assertThat(c.rejectedSets()).containsOnlyKeys("beta");
        assertThat(c.usedSets().get("gamma").licenceSpdx()).isEqualTo("CC-BY-SA-4.0");
        assertThat(c.usedSets().get("gamma").author()).isEqualTo("Gamma Studio");
        assertThat(c.usedSets().get("gamma").palette()).isTrue();
    }

    @Test
    void aliasesResolveToTheirParentWithOverridesAndTransformations() throws Exception {
        IconSet alpha = IconSetParser.parse(Files.readAllBytes(Fixtures.sets().resolve("alpha.json")));

        Icon motorbike = alpha.resolve("motorbike").orElseThrow();
        assertThat(motorbike.body()).isEqualTo(alpha.icons().get("vehicle-2").body());
        assertThat(motorbike.width()).isEqualTo(20); // the alias' own width beats the parent's 24
        assertThat(motorbike.height()).isEqualTo(24); // set default
        assertThat(motorbike.rotate()).isZero();

        Icon moped = alpha.resolve("moped").orElseThrow(); // alias of an alias
        assertThat(moped.body()).isEqualTo(motorbike.body());
        assertThat(moped.width()).isEqualTo(20);
        assertThat(moped.rotate()).isEqualTo(1);
        assertThat(moped.hFlip()).isTrue();

        Icon wide = alpha.resolve("wide-car").orElseThrow();
        assertThat(wide.width()).isEqualTo(48);
        assertThat(wide.toSvg("#123456")).contains("viewBox=\"0 0 48 24\"").contains("#123456")
                .doesNotContain("currentColor");

        assertThat(alpha.resolve("boat")).as("alias with a missing parent").isEmpty();
        assertThat(alpha.resolve("nothing")).isEmpty();
    }

    private static List<String> keys(Catalogue c, String label) {
        return c.icons().stream().filter(i -> i.label().equals(label)).map(i -> i.icon().key()).toList();
    }

    @Test
    void countsPerLabel() throws Exception {
        assertThat(Fixtures.catalogue().countsByLabel()).isEqualTo(Map.of("bike", 5, "car", 3, "ship", 3));
    }
}
