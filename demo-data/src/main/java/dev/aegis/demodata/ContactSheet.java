package dev.aegis.demodata;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Review pages: every selected icon of a class, drawn plainly on white with its index, plus a text index
 * ({@code <class>.txt}: index, set:icon). Looking at these is how the reviewed deny list was made.
 */
public final class ContactSheet {

    private ContactSheet() {
    }

    public static List<Path> write(Catalogue catalogue, Path dir, int columns, int rows, PrintStream log) throws IOException {
        Files.createDirectories(dir);
        List<Path> pages = new ArrayList<>();
        int cell = 72, caption = 12;
        for (String label : catalogue.countsByLabel().keySet()) {
            List<LabelledIcon> icons = catalogue.icons().stream().filter(i -> i.label().equals(label)).toList();
            StringBuilder index = new StringBuilder();
            int perPage = columns * rows;
            for (int page = 0; page * perPage < icons.size(); page++) {
                BufferedImage img = new BufferedImage(columns * cell, rows * (cell + caption), BufferedImage.TYPE_INT_RGB);
                Graphics2D g = img.createGraphics();
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, img.getWidth(), img.getHeight());
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                for (int k = 0; k < perPage && page * perPage + k < icons.size(); k++) {
                    int n = page * perPage + k;
                    LabelledIcon li = icons.get(n);
                    int x = (k % columns) * cell, y = (k / columns) * (cell + caption);
                    try {
                        SvgRasterizer r = new SvgRasterizer(li.icon());
                        g.drawImage(r.render(cell - 8, cell - 8), x + 4, y + 4, null);
                    } catch (RuntimeException e) {
                        g.setColor(Color.RED);
                        g.drawLine(x, y, x + cell, y + cell);
                    }
                    g.setColor(Color.BLUE);
                    g.drawString(n + " " + li.icon().set(), x + 2, y + cell + caption - 2);
                    index.append(n).append('\t').append(li.icon().key()).append('\n');
                }
                g.dispose();
                Path file = dir.resolve(label + "-" + String.format("%02d", page) + ".png");
                ImageIO.write(img, "png", file.toFile());
                pages.add(file);
            }
            Files.writeString(dir.resolve(label + ".txt"), index.toString());
        }
        log.println("[demo-data] wrote " + pages.size() + " contact sheet pages into " + dir);
        return pages;
    }

    /** A look at generated images: one band per class, {@code perClass} images picked by a seeded shuffle, scaled 2x. */
    public static void preview(Path dataset, Path file, int perClass, long seed) throws IOException {
        List<Path> classes;
        try (var s = Files.list(dataset)) {
            classes = s.filter(Files::isDirectory).sorted().toList();
        }
        int columns = 16, tile = 128;
        int rowsPerClass = (perClass + columns - 1) / columns;
        BufferedImage img = new BufferedImage(columns * tile, classes.size() * rowsPerClass * tile, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        for (int c = 0; c < classes.size(); c++) {
            List<Path> files;
            try (var s = Files.list(classes.get(c))) {
                files = new ArrayList<>(s.filter(p -> p.toString().endsWith(".png")).sorted().toList());
            }
            java.util.Collections.shuffle(files, new java.util.Random(seed));
            for (int k = 0; k < Math.min(perClass, files.size()); k++) {
                BufferedImage im = ImageIO.read(files.get(k).toFile());
                g.drawImage(im, (k % columns) * tile, (c * rowsPerClass + k / columns) * tile, tile, tile, null);
            }
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
