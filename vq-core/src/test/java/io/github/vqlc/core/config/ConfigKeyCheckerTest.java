package io.github.vqlc.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.core.spi.FeatureExtractorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Typed sections (quantizer, codebook.extractor, eval.fid.extractor) checked against their type's keys. */
class ConfigKeyCheckerTest {

    /** A reference with quantizer types and extractor types but, like vq-core alone, no codebook or eval.fid section. */
    private static final Config REFERENCE = ConfigFactory.parseString("""
            quantizer { type = vq, codebook-size = 16 }
            quantizer-types { vq { beta = 0.25 } }
            eval { split = test }
            extractor-types {
              patches { patch-size = 4 }
              feature-net { path = "runs/feature-net" }
            }
            """);

    @TempDir
    Path dir;

    private Config userFile(String text) throws Exception {
        Path p = dir.resolve("user.conf");
        Files.writeString(p, text);
        return ConfigFactory.parseFile(p.toFile());
    }

    private static void check(Config user) {
        ConfigKeyChecker.check(user, user.withFallback(REFERENCE).resolve(), REFERENCE);
    }

    @Test
    void extractorSectionsAcceptTheirTypesKeysEvenWhenTheReferenceLacksTheSection() throws Exception {
        Config user = userFile("""
                codebook.extractor { type = patches, patch-size = 2 }
                eval.fid.extractor { type = feature-net, path = "x" }
                """);
        assertThatCode(() -> check(user)).doesNotThrowAnyException();
    }

    @Test
    void typoInACodebookExtractorNamesFileLineAndTheTypesKeys() throws Exception {
        Config user = userFile("codebook {\n  extractor {\n    type = patches\n    patch-sise = 2\n  }\n}\n");
        assertThatThrownBy(() -> check(user))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'codebook.extractor.patch-sise'")
                .hasMessageContaining("user.conf:4")
                .hasMessageContaining("codebook.extractor (type patches)")
                .hasMessageContaining("patch-size")
                .hasMessageNotContaining("path");
    }

    @Test
    void keyOfAnotherExtractorTypeIsRejectedInTheFidSection() throws Exception {
        Config user = userFile("eval.fid.extractor {\n  type = feature-net\n  patch-size = 2\n}\n");
        assertThatThrownBy(() -> check(user))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'eval.fid.extractor.patch-size'")
                .hasMessageContaining("user.conf:3")
                .hasMessageContaining("valid keys in eval.fid.extractor (type feature-net): path, type");
    }

    @Test
    void unknownExtractorTypeListsTheDeclaredTypes() {
        Config user = ConfigLoader.parseOverride("codebook.extractor={type=clip, size=3}");
        assertThatThrownBy(() -> check(user))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'codebook.extractor.size'")
                .hasMessageContaining("command line")
                .hasMessageContaining("declared types: feature-net, patches");
    }

    @Test
    void quantizerSectionIsStillCheckedAgainstItsType() throws Exception {
        assertThatCode(() -> check(userFile("quantizer.beta = 1"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> check(userFile("quantizer {\n  betta = 1\n}\n")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("user.conf:2")
                .hasMessageContaining("beta, codebook-size, type");
    }

    @Test
    void otherKeysOfAParentOfATypedSectionAreCheckedAsUsual() throws Exception {
        assertThatThrownBy(() -> check(userFile("eval.splitt = train\n")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'eval.splitt'")
                .hasMessageContaining("split");
    }

    @Test
    void extractorConfigResolvesTheUserBlockOverTypeDefaultsAndCreatesThroughTheRegistry() throws Exception {
        Config root = userFile("codebook.extractor { type = patches }\n")
                .withFallback(REFERENCE)
                .resolve();
        ExtractorConfig ec = ExtractorConfig.of(root, TypedSection.CODEBOOK_EXTRACTOR);
        assertThat(ec.type()).isEqualTo("patches");
        assertThat(ec.section().getInt("patch-size")).isEqualTo(4);
        assertThat(ExtractorConfig.find(root, TypedSection.FID_EXTRACTOR)).isEmpty();
        assertThatThrownBy(() -> ExtractorConfig.of(root, TypedSection.FID_EXTRACTOR))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("no eval.fid.extractor section");

        AtomicReference<FeatureExtractorContext> seen = new AtomicReference<>();
        FeatureExtractorRegistry registry = new FeatureExtractorRegistry().register(new FeatureExtractorFactory() {
            @Override
            public String type() {
                return "patches";
            }

            @Override
            public String description() {
                return "test";
            }

            @Override
            public FeatureExtractor create(Config section, FeatureExtractorContext context) {
                assertThat(section.getInt("patch-size")).isEqualTo(4);
                seen.set(context);
                return null;
            }
        });
        ec.create(registry, new FeatureExtractorContext(1, 32, Device.cpu(), null, dir, 0));
        assertThat(seen.get().section()).isEqualTo("codebook.extractor");
        assertThat(seen.get().resolve("a/../b")).isEqualTo(dir.resolve("b"));

        Config other = userFile("codebook.extractor { type = clip }\n")
                .withFallback(REFERENCE)
                .resolve();
        assertThatThrownBy(() -> ExtractorConfig.of(other, TypedSection.CODEBOOK_EXTRACTOR)
                        .create(registry, new FeatureExtractorContext(1, 32, Device.cpu(), null, dir, 0)))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("unknown feature extractor type 'clip'")
                .hasMessageContaining("patches");
    }

    @Test
    void typedSectionsAreMatchedLongestFirst() {
        assertThat(TypedSection.ALL.get(0).contains("eval.fid.extractor.type")).isTrue();
        assertThat(TypedSection.QUANTIZER.contains("quantizer-types.vq.beta")).isFalse();
        assertThat(List.copyOf(TypedSection.ALL)).hasSize(3);
    }
}
