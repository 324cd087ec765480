package io.github.vqlc.quantizers.codebook.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.config.ConfigLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

class KMeansConfigTest {

    private static Config section(String user) {
        return ConfigFactory.parseString(user)
                .withFallback(ConfigFactory.defaultReference())
                .resolve()
                .getConfig(KMeansConfig.PATH);
    }

    @Test
    void defaultsComeFromReferenceConf() {
        KMeansConfig c = KMeansConfig.from(section(""));
        assertThat(c)
                .isEqualTo(new KMeansConfig(
                        KMeans.Init.KMEANS_PLUS_PLUS, 0, 20, KMeans.Stop.INERTIA, 1e-4, 0, 0, 64, true));
        KMeans k = c.builder(100, 42).build();
        assertThat(k.k()).isEqualTo(100);
        assertThat(k.toString()).contains("seed=42", "maxIterations=20", "KMEANS_PLUS_PLUS");
    }

    @Test
    void userValuesAreRead() {
        KMeansConfig c = KMeansConfig.from(section(
                "codebook.kmeans { init = random, init-batch = 3, iterations = 5, stop = centre-shift, tolerance = 0,"
                        + " mini-batch = 0, seed-offset = 7 }"));
        assertThat(c)
                .isEqualTo(new KMeansConfig(KMeans.Init.RANDOM, 3, 5, KMeans.Stop.CENTRE_SHIFT, 0.0, 0, 7, 64, true));
        assertThat(c.builder(10, 1).build().toString()).contains("seed=8", "stop=CENTRE_SHIFT", "initBatch=3");
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> KMeansConfig.from(section("codebook.kmeans.init = kmeans")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("codebook.kmeans.init = 'kmeans'")
                .hasMessageContaining("k-means++, random");
        assertThatThrownBy(() -> KMeansConfig.from(section("codebook.kmeans.iterations = 0")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("codebook.kmeans.iterations = 0");
        assertThatThrownBy(() -> KMeansConfig.from(section("codebook.kmeans.stop = shift")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("codebook.kmeans.stop = 'shift'");
        assertThatThrownBy(() -> KMeansConfig.from(section("codebook.kmeans { stop = centre-shift, mini-batch = 64 }"))
                        .builder(10, 0)
                        .build())
                .isInstanceOf(UserException.class)
                .hasMessageContaining("centre-shift stop applies to full Lloyd");
        assertThatThrownBy(() -> KMeansConfig.from(section("codebook.kmeans.mini-batch = -1")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("codebook.kmeans.mini-batch = -1");
    }

    @Test
    void configKeyCheckerRejectsUnknownKeysInTheSection() {
        ConfigLoader loader = ConfigLoader.ofClassPath(List.of());
        assertThatThrownBy(() -> loader.load(null, List.of("codebook.kmeans.itertions=3")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("unknown config key 'codebook.kmeans.itertions'")
                .hasMessageContaining("command line")
                .hasMessageContaining("kmeans.iterations");
        assertThat(KMeansConfig.from(loader.load(null, List.of("codebook.kmeans.iterations=3"))
                                .getConfig(KMeansConfig.PATH))
                        .iterations())
                .isEqualTo(3);
    }
}
