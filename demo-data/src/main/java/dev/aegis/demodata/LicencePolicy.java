package dev.aegis.demodata;

import java.util.Locale;
import java.util.Set;

/**
 * Which icon-set licences the dataset may use. Deny by default: only licences that allow derivative
 * images for any purpose. Non-commercial and no-derivatives licences are out; so are GPL and MPL sets,
 * whose copyleft would make the terms of the generated images unclear.
 */
public final class LicencePolicy {

    private static final Set<String> ALLOWED = Set.of(
            "MIT", "ISC", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "CC0-1.0", "Unlicense", "OFL-1.1",
            "CC-BY-3.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0");

    private LicencePolicy() {
    }

    public static boolean allowed(String spdx) {
        if (spdx == null) {
            return false;
        }
        String upper = spdx.toUpperCase(Locale.ROOT);
        if (upper.contains("-NC") || upper.contains("-ND")) {
            return false;
        }
        return ALLOWED.contains(spdx);
    }

    /** Creative Commons BY licences oblige us to credit the author (and for SA, to name the licence). */
    public static boolean requiresAttribution(String spdx) {
        return spdx != null && spdx.toUpperCase(Locale.ROOT).startsWith("CC-BY");
    }
}
