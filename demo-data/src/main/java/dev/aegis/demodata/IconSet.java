package dev.aegis.demodata;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Iconify set (one {@code json/<prefix>.json} of {@code @iconify/json}), with the fields this tool needs.
 * {@code palette} is true for colour sets; monochrome sets draw with {@code currentColor}.
 */
public record IconSet(String prefix, String name, String licenceSpdx, String licenceTitle, String licenceUrl,
                      String author, String authorUrl, boolean palette, Defaults defaults,
                      Map<String, IconData> icons, Map<String, AliasData> aliases) {

    /** Raw icon entry; null numbers mean "use the set default". */
    public record IconData(String body, Double left, Double top, Double width, Double height,
                           int rotate, boolean hFlip, boolean vFlip, boolean hidden) {
    }

    /** Raw alias entry: a parent name plus optional overrides and transformations. */
    public record AliasData(String parent, Double left, Double top, Double width, Double height,
                            int rotate, boolean hFlip, boolean vFlip, boolean hidden) {
    }

    /** Set-level defaults (Iconify: left/top 0, width/height 16 unless the set says otherwise). */
    public record Defaults(double left, double top, double width, double height) {
    }

    public List<String> allNames() {
        List<String> names = new ArrayList<>(icons.keySet());
        names.addAll(aliases.keySet());
        return names;
    }

    /**
     * Resolves a name (icon or alias chain) to a drawable icon. Alias transformations combine with the
     * parent's (rotations add, flips toggle); the closest explicit dimension wins. Hidden entries resolve
     * too: they are kept for backwards compatibility and are ordinary drawings.
     */
    public Optional<Icon> resolve(String iconName) {
        Double left = null, top = null, width = null, height = null;
        int rotate = 0;
        boolean hFlip = false, vFlip = false;
        String current = iconName;
        // alias chains are short; the bound only protects against malformed cycles
        for (int depth = 0; depth < 16; depth++) {
            IconData icon = icons.get(current);
            if (icon != null) {
                return Optional.of(new Icon(prefix, iconName, icon.body(),
                        first(left, icon.left(), defaults.left()), first(top, icon.top(), defaults.top()),
                        first(width, icon.width(), defaults.width()), first(height, icon.height(), defaults.height()),
                        Math.floorMod(rotate + icon.rotate(), 4), hFlip ^ icon.hFlip(), vFlip ^ icon.vFlip()));
            }
            AliasData alias = aliases.get(current);
            if (alias == null) {
                return Optional.empty();
            }
            left = left != null ? left : alias.left();
            top = top != null ? top : alias.top();
            width = width != null ? width : alias.width();
            height = height != null ? height : alias.height();
            rotate += alias.rotate();
            hFlip ^= alias.hFlip();
            vFlip ^= alias.vFlip();
            current = alias.parent();
        }
        return Optional.empty();
    }

    private static double first(Double a, Double b, double fallback) {
        return a != null ? a : b != null ? b : fallback;
    }
}
