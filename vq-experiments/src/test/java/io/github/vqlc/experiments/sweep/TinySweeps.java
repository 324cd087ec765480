package io.github.vqlc.experiments.sweep;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Sweep files over tests' tiny base run (toy quantizer, synthetic 8x8 images, 6 steps). */
public final class TinySweeps {

    private TinySweeps() {}

    public static Path base() {
        try {
            return Path.of(
                    TinySweeps.class.getResource("/sweeps/tiny-base.conf").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code <dir>/sweep.in.conf} with the given axes; cells go to {@code <dir>/out}. */
    public static Path write(Path dir, String axes) throws Exception {
        Path f = dir.resolve("sweep.in.conf");
        Files.writeString(
                f,
                "sweep {\n  name = tiny\n  base = \"" + base() + "\"\n  dir = \"" + dir.resolve("out") + "\"\n"
                        + "  axes = " + axes + "\n}\n");
        return f;
    }
}
