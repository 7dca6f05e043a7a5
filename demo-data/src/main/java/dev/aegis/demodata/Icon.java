package dev.aegis.demodata;

/**
 * One icon resolved from an Iconify set: aliases already followed to their parent body, set defaults
 * applied. {@code rotate} is in quarter turns, as in the Iconify JSON format.
 */
public record Icon(String set, String name, String body, double left, double top, double width, double height,
                   int rotate, boolean hFlip, boolean vFlip) {

    public String key() {
        return set + ":" + name;
    }

    /** A standalone SVG document; the caller decides what {@code currentColor} means. */
    public String toSvg(String currentColor) {
        String b = currentColor == null ? body : body.replace("currentColor", currentColor);
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\""
                + " width=\"" + fmt(width) + "\" height=\"" + fmt(height) + "\""
                + " viewBox=\"" + fmt(left) + " " + fmt(top) + " " + fmt(width) + " " + fmt(height) + "\">"
                + b + "</svg>";
    }

    /** Identity of the drawing, so that aliases and copies of one drawing are rendered once. */
    String drawingKey() {
        return body + '|' + left + '|' + top + '|' + width + '|' + height + '|' + Math.floorMod(rotate, 4) + '|' + hFlip + '|' + vFlip;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
