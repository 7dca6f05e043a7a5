package dev.aegis.demodata;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LicencePolicyTest {

    @Test
    void permissiveAndAttributionLicencesAreAllowed() {
        for (String spdx : new String[]{"MIT", "Apache-2.0", "ISC", "CC0-1.0", "CC-BY-4.0", "CC-BY-SA-4.0", "OFL-1.1"}) {
            assertThat(LicencePolicy.allowed(spdx)).as(spdx).isTrue();
        }
    }

    @Test
    void nonCommercialNoDerivativesCopyleftAndUnknownAreExcluded() {
        for (String spdx : new String[]{"CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0", "GPL-3.0", "GPL-2.0-only",
                "MPL-2.0", "LicenseRef-proprietary", ""}) {
            assertThat(LicencePolicy.allowed(spdx)).as(spdx).isFalse();
        }
        assertThat(LicencePolicy.allowed(null)).isFalse();
    }

    @Test
    void creativeCommonsByNeedsAttribution() {
        assertThat(LicencePolicy.requiresAttribution("CC-BY-4.0")).isTrue();
        assertThat(LicencePolicy.requiresAttribution("CC-BY-SA-3.0")).isTrue();
        assertThat(LicencePolicy.requiresAttribution("MIT")).isFalse();
        assertThat(LicencePolicy.requiresAttribution("CC0-1.0")).isFalse();
    }
}
