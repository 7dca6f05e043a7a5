package dev.aegis.demodata;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import com.github.weisj.jsvg.SVGDocument;
import com.github.weisj.jsvg.parser.LoaderContext;
import com.github.weisj.jsvg.parser.SVGLoader;
import com.github.weisj.jsvg.view.ViewBox;

/**
 * Turns an icon into an ARGB image with jsvg. The document is parsed once per icon and rendered many times;
 * {@code currentColor} is drawn black, because monochrome glyphs are recoloured afterwards through their
 * alpha mask (cheaper than re-parsing the SVG per colour, and it allows gradient fills).
 */
public final class SvgRasterizer {

    private final Icon icon;
    private final SVGDocument document;

    public SvgRasterizer(Icon icon) {
        this.icon = icon;
        byte[] svg = icon.toSvg("#000000").getBytes(StandardCharsets.UTF_8);
        // a fresh loader per document: loaders are cheap and this keeps rendering threads independent
        SVGDocument doc = new SVGLoader().load(new ByteArrayInputStream(svg), URI.create("about:" + icon.set()),
                LoaderContext.createDefault());
        if (doc == null) {
            throw new IllegalArgumentException("jsvg could not parse " + icon.key());
        }
        this.document = doc;
    }

    public Icon icon() {
        return icon;
    }

    /** Aspect ratio (width / height) after the icon's own quarter-turn rotation. */
    public double aspect() {
        double a = icon.width() / icon.height();
        return icon.rotate() % 2 == 1 ? 1 / a : a;
    }

    /** Renders the icon to fill a {@code w x h} box (its aspect ratio kept, centred), transparent around it. */
    public BufferedImage render(int w, int h) {
        BufferedImage img = new BufferedImage(Math.max(1, w), Math.max(1, h), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            // the icon's own transformations (from aliases), about the box centre
            AffineTransform t = new AffineTransform();
            t.translate(w / 2.0, h / 2.0);
            t.rotate(icon.rotate() * Math.PI / 2);
            t.scale(icon.hFlip() ? -1 : 1, icon.vFlip() ? -1 : 1);
            boolean quarter = icon.rotate() % 2 == 1;
            double bw = quarter ? h : w;
            double bh = quarter ? w : h;
            t.translate(-bw / 2.0, -bh / 2.0);
            g.transform(t);
            document.render(null, g, new ViewBox(0, 0, (float) bw, (float) bh));
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Fraction of pixels with visible alpha; 0 means the drawing did not render. */
    public static double coverage(BufferedImage argb) {
        long visible = 0;
        int w = argb.getWidth(), h = argb.getHeight();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if ((argb.getRGB(x, y) >>> 24) > 32) {
                    visible++;
                }
            }
        }
        return visible / (double) (w * h);
    }
}
