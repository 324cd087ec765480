package io.github.vqlc.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {

    @TempDir
    Path root;

    private static float unit(int v) {
        return v / 127.5f - 1f;
    }

    /** 8 wide x 4 tall: R = 20 + 10x, G = 30y, B = 100. */
    private static BufferedImage gradient() {
        BufferedImage img = new BufferedImage(8, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                img.setRGB(x, y, ((20 + 10 * x) << 16) | ((30 * y) << 8) | 100);
            }
        }
        return img;
    }

    private static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    private void write(BufferedImage img, String format, String... path) throws IOException {
        Path file = root.resolve(String.join("/", path));
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(img, format, file.toFile())).isTrue();
    }

    private void standardLayout() throws IOException {
        write(gradient(), "png", "train", "zebra", "a.png");
        write(solid(5, 5, 0x808080), "png", "train", "cat", "b.PNG");
        write(solid(6, 9, 0x204060), "png", "train", "cat", "a.png");
        Files.writeString(root.resolve("train/cat/notes.txt"), "not an image");
        Files.createDirectories(root.resolve("train/.cache"));
        write(solid(4, 4, 0xffffff), "png", "val", "zebra", "v.png");
    }

    @Test
    void discoversSortedClassesAndFiles() throws IOException {
        standardLayout();
        ImageFolderDataset train = ImageFolderDataset.open(root, Split.TRAIN, 4, 3, false);
        assertThat(train.classNames()).containsExactly("cat", "zebra");
        assertThat(train.numClasses()).isEqualTo(2);
        assertThat(train.size()).isEqualTo(3);
        assertThat(train.file(0).getFileName().toString()).isEqualTo("a.png");
        assertThat(train.file(1).getFileName().toString()).isEqualTo("b.PNG");
        assertThat(new int[] {train.label(0), train.label(1), train.label(2)}).containsExactly(0, 0, 1);

        ImageFolderDataset val = ImageFolderDataset.open(root, Split.TEST, 4, 3, false);
        assertThat(val.size()).isEqualTo(1);
        assertThat(val.label(0)).isEqualTo(1); // "zebra" keeps its train label
        float[] img = new float[3 * 16];
        val.image(0, img, 0, null);
        assertThat(img).containsOnly(1f);
    }

    @Test
    void centerCropOfShorterSideResizedImage() throws IOException {
        standardLayout();
        ImageFolderDataset ds = ImageFolderDataset.open(root, Split.TRAIN, 4, 3, false);
        float[] img = new float[3 * 16];
        ds.image(2, img, 0, new Random(1)); // augmentation off: rng ignored
        // 8x4 image, shorter side already 4: no resampling, center crop = columns 2..5
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertThat(img[y * 4 + x]).isCloseTo(unit(20 + 10 * (x + 2)), within(1e-6f));
                assertThat(img[16 + y * 4 + x]).isCloseTo(unit(30 * y), within(1e-6f));
                assertThat(img[32 + y * 4 + x]).isCloseTo(unit(100), within(1e-6f));
            }
        }
        // 6 wide x 9 tall constant image -> 4 x 6 -> center 4 x 4: still the constant color
        ds.image(0, img, 0, null);
        for (int k = 0; k < 16; k++) {
            assertThat(img[k]).isCloseTo(unit(0x20), within(1e-5f));
            assertThat(img[16 + k]).isCloseTo(unit(0x40), within(1e-5f));
            assertThat(img[32 + k]).isCloseTo(unit(0x60), within(1e-5f));
        }
    }

    @Test
    void augmentationCropsRandomlyAndFlips() throws IOException {
        standardLayout();
        ImageFolderDataset ds = ImageFolderDataset.open(root, Split.TRAIN, 4, 3, true);
        float[] img = new float[3 * 16];
        ds.image(2, img, 0, null); // no rng: deterministic center crop
        assertThat(img[0]).isCloseTo(unit(40), within(1e-6f));

        Set<String> seen = new HashSet<>();
        for (int seed = 0; seed < 60; seed++) {
            ds.image(2, img, 0, new Random(seed));
            String match = null;
            for (int x0 = 0; x0 <= 4 && match == null; x0++) {
                for (boolean flip : new boolean[] {false, true}) {
                    boolean ok = true;
                    for (int x = 0; x < 4; x++) {
                        int sx = x0 + (flip ? 3 - x : x);
                        ok &= Math.abs(img[2 * 4 + x] - unit(20 + 10 * sx)) < 1e-6f;
                    }
                    if (ok) {
                        match = x0 + (flip ? "F" : "");
                        break;
                    }
                }
            }
            assertThat(match).as("seed %d gives a crop of the source", seed).isNotNull();
            seen.add(match);
            // same rng seed -> same result
            float[] again = new float[3 * 16];
            ds.image(2, again, 0, new Random(seed));
            assertThat(again).containsExactly(img);
        }
        assertThat(seen).contains("0", "4", "0F", "4F");
    }

    @Test
    void grayFilesKeepTheirStoredValuesAndColorToLuma() throws IOException {
        BufferedImage gray = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                gray.getRaster().setSample(x, y, 0, y * 60 + x * 5);
            }
        }
        write(gray, "png", "train", "g", "gray.png");
        write(solid(4, 4, (200 << 16) | (100 << 8) | 50), "png", "train", "h", "color.png");
        ImageFolderDataset rgb = ImageFolderDataset.open(root, Split.TRAIN, 4, 3, false);
        float[] img = new float[3 * 16];
        rgb.image(0, img, 0, null);
        for (int c = 0; c < 3; c++) {
            assertThat(img[c * 16 + 3 * 4 + 1]).isEqualTo(unit(185));
            assertThat(img[c * 16 + 1 * 4 + 2]).isEqualTo(unit(70));
        }
        ImageFolderDataset luma = ImageFolderDataset.open(root, Split.TRAIN, 4, 1, false);
        float[] one = new float[16];
        luma.image(1, one, 0, null);
        assertThat(one[5]).isCloseTo(unit(0) + (0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 127.5f, within(1e-5f));
        luma.image(0, one, 0, null);
        assertThat(one[3 * 4 + 1]).isEqualTo(unit(185));
    }

    @Test
    void jpegDecodesToApproximatelyTheColor() throws IOException {
        write(solid(16, 12, (180 << 16) | (90 << 8) | 30), "jpg", "train", "c", "x.jpg");
        ImageFolderDataset ds = ImageFolderDataset.open(root, Split.TRAIN, 8, 3, false);
        float[] img = new float[3 * 64];
        ds.image(0, img, 0, null);
        assertThat(img[20]).isCloseTo(unit(180), within(0.06f));
        assertThat(img[64 + 20]).isCloseTo(unit(90), within(0.06f));
        assertThat(img[128 + 20]).isCloseTo(unit(30), within(0.06f));
    }

    @Test
    void testFolderIsAcceptedWhenThereIsNoVal() throws IOException {
        write(solid(4, 4, 0), "png", "train", "only", "a.png");
        write(solid(4, 4, 0), "png", "test", "only", "b.png");
        write(solid(4, 4, 0), "png", "test", "only", "c.png");
        assertThat(ImageFolderDataset.open(root, Split.TEST, 4, 1, false).size())
                .isEqualTo(2);
    }

    @Test
    void errorsNameTheProblem() throws IOException {
        write(solid(4, 4, 0), "png", "train", "a", "ok.png");
        assertThatThrownBy(() -> ImageFolderDataset.open(root, Split.TEST, 4, 3, false))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("no val (or test) folder");

        Path broken = root.resolve("train/a/broken.png");
        Files.write(broken, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        ImageFolderDataset ds = ImageFolderDataset.open(root, Split.TRAIN, 4, 3, false);
        assertThat(ds.file(0)).isEqualTo(broken);
        assertThatThrownBy(() -> ds.image(0, new float[48], 0, null))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(broken.toString());

        assertThatThrownBy(() -> Datasets.open(new DataConfig("image-folder", null, 32, 3, false, 0), Split.TRAIN, 0))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("data.root");

        write(solid(4, 4, 0), "png", "val", "unknown", "z.png");
        assertThatThrownBy(() -> ImageFolderDataset.open(root, Split.TEST, 4, 3, false))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("unknown");
    }
}
