package io.github.vqlc.core.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Writes rows of images as one PNG grid, e.g. originals above their reconstructions. Each row is an
 * (N, C, H, W) array in [-1, 1] (values outside are clipped); C is 1 (gray) or 3 (RGB).
 */
public final class ImageGrid {

    private static final int GAP = 2;

    private ImageGrid() {}

    public static void write(Path file, List<NDArray> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to draw");
        }
        Shape s = rows.get(0).getShape();
        int n = (int) s.get(0);
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        int width = n * w + (n + 1) * GAP;
        int height = rows.size() * h + (rows.size() + 1) * GAP;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, 0x404040);
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            NDArray row = rows.get(r);
            if (!row.getShape().equals(s)) {
                throw new IllegalArgumentException("row " + r + " has shape " + row.getShape() + ", expected " + s);
            }
            float[] px = row.toFloatArray();
            for (int i = 0; i < n; i++) {
                int x0 = GAP + i * (w + GAP);
                int y0 = GAP + r * (h + GAP);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int base = i * c * h * w + y * w + x;
                        int red = toByte(px[base]);
                        int green = c == 3 ? toByte(px[base + h * w]) : red;
                        int blue = c == 3 ? toByte(px[base + 2 * h * w]) : red;
                        img.setRGB(x0 + x, y0 + y, (red << 16) | (green << 8) | blue);
                    }
                }
            }
        }
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }

    private static int toByte(float v) {
        float clipped = Math.max(-1f, Math.min(1f, v));
        return Math.round((clipped + 1f) * 127.5f);
    }

    /** Reads a PNG back (tests, reports). */
    public static BufferedImage read(Path file) {
        try {
            return ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
