package io.github.vqlc.models.features;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.spi.FactoryRegistry;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import org.junit.jupiter.api.Test;

class ExtractorRegistrationTest {

    @Test
    void everyTypeIsFoundThroughTheServiceLoaderAndDeclaresItsDefaults() {
        FactoryRegistry<FeatureExtractorFactory> registry = FeatureExtractorFactory.discover();
        assertThat(registry.all())
                .extracting(FeatureExtractorFactory::type)
                .contains("feature-net", "torchscript", "patches");
        Config reference = ConfigFactory.defaultReference();
        for (FeatureExtractorFactory f : registry.all()) {
            assertThat(reference.hasPath("extractor-types.\"" + f.type() + "\""))
                    .as(f.type())
                    .isTrue();
            assertThat(f.description()).isNotBlank();
        }
        assertThat(registry.get("patches")).isInstanceOf(PatchesExtractorFactory.class);
    }
}
