package io.github.vqlc.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.github.vqlc.core.UserException;
import io.github.vqlc.core.spi.ExtractorConfig;
import io.github.vqlc.core.spi.FactoryRegistry;
import io.github.vqlc.core.spi.FeatureExtractor;
import io.github.vqlc.core.spi.FeatureExtractorContext;
import io.github.vqlc.core.spi.FeatureExtractorFactory;
import io.github.vqlc.core.spi.QuantizerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
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

    /** The typed sections of this reference, with the types a registry would know. */
    private static final List<TypedSection> TYPED = List.of(
            QuantizerConfig.typedSection(Set.of("vq", "lc")),
            ExtractorConfig.typedSection("codebook.extractor", Set.of("feature-net", "patches")),
            ExtractorConfig.typedSection("eval.fid.extractor", Set.of("feature-net", "patches", "none")));

    @TempDir
    Path dir;

    private Config userFile(String text) throws Exception {
        Path p = dir.resolve("user.conf");
        Files.writeString(p, text);
        return ConfigFactory.parseFile(p.toFile());
    }

    private static void check(Config user) {
        ConfigLoader.of(REFERENCE, TYPED).check(user);
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
    void unknownExtractorTypeIsReportedBeforeItsKeysWithTheRegisteredTypes() {
        Config user = ConfigLoader.parseOverride("codebook.extractor={type=clip, size=3}");
        assertThatThrownBy(() -> check(user))
                .isInstanceOf(UserException.class)
                .hasMessage("unknown codebook.extractor.type 'clip' (command line); registered types: feature-net,"
                        + " patches");
    }

    @Test
    void unknownQuantizerTypeOnTheCommandLineIsReportedAsSuchNotAsAnUnknownKeyOfTheFile() throws Exception {
        Config file = userFile("quantizer {\n  type = lc\n  projector = linear\n}\n");
        Config user = ConfigLoader.parseOverride("quantizer.type=nope").withFallback(file);
        assertThatThrownBy(() -> check(user))
                .isInstanceOf(UserException.class)
                .hasMessage("unknown quantizer.type 'nope' (command line); registered types: lc, vq");
    }

    @Test
    void switchingTheTypeOnTheCommandLineNamesEveryKeyOfTheFileTheNewTypeDoesNotTake() throws Exception {
        Config file = userFile("quantizer {\n  type = lc\n  projector = linear\n  dim = 3\n  beta = 0.3\n}\n");
        Config reference = ConfigFactory.parseString("quantizer-types.lc { projector = none, dim = 8, beta = 0.33 }")
                .withFallback(REFERENCE);
        Config user = ConfigLoader.parseOverride("quantizer.type=vq").withFallback(file);
        assertThatThrownBy(() -> ConfigLoader.of(reference, TYPED).check(user))
                .isInstanceOf(UserException.class)
                .hasMessageStartingWith("quantizer.type = vq (command line) does not take quantizer.dim (")
                .hasMessageContaining("user.conf:4), quantizer.projector (")
                .hasMessageContaining("user.conf:3); the keys of quantizer type vq: beta, codebook-size, type");
        // the same keys under their own type are fine, and a null override drops a key
        assertThatCode(() -> ConfigLoader.of(reference, TYPED).check(file)).doesNotThrowAnyException();
        Config dropped = ConfigLoader.parseOverride("quantizer={type=vq, projector=null, dim=null}")
                .withFallback(file);
        assertThatCode(() -> ConfigLoader.of(reference, TYPED).check(dropped)).doesNotThrowAnyException();
    }

    @Test
    void keysBelowAnOpenSectionAreNotChecked() {
        Config reference = ConfigFactory.parseString("sweep { name = \"\", overrides {}, slurm { time = \"1:00\" } }");
        ConfigLoader loader = ConfigLoader.of(reference, List.of()).forSection("sweep", Set.of("sweep.overrides"));
        assertThatCode(() -> loader.check(ConfigLoader.parseOverride("sweep.overrides.train.steps=3")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> loader.check(ConfigLoader.parseOverride("sweep.slurm.tme=3")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("'sweep.slurm.tme'")
                .hasMessageContaining("slurm.time");
        assertThatThrownBy(() -> loader.check(ConfigLoader.parseOverride("train.steps=3")))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("valid keys in the top level: sweep");
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
        ExtractorConfig ec = ExtractorConfig.of(root, "codebook.extractor");
        assertThat(ec.type()).isEqualTo("patches");
        assertThat(ec.section().getInt("patch-size")).isEqualTo(4);
        assertThat(ExtractorConfig.find(root, "eval.fid.extractor")).isEmpty();
        assertThatThrownBy(() -> ExtractorConfig.of(root, "eval.fid.extractor"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("no eval.fid.extractor section");

        AtomicReference<FeatureExtractorContext> seen = new AtomicReference<>();
        FactoryRegistry<FeatureExtractorFactory> registry = new FactoryRegistry<FeatureExtractorFactory>(
                        "feature extractor type")
                .register(new FeatureExtractorFactory() {
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
        assertThatThrownBy(() -> ExtractorConfig.of(other, "codebook.extractor")
                        .create(registry, new FeatureExtractorContext(1, 32, Device.cpu(), null, dir, 0)))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("unknown feature extractor type 'clip'")
                .hasMessageContaining("patches");
    }

    @Test
    void typedSectionsNestedInOneAnotherAreMatchedLongestFirst() throws Exception {
        Config reference =
                ConfigFactory.parseString("a { type = x }\nt { x { k = 1 } }").withFallback(REFERENCE);
        List<TypedSection> nested =
                List.of(new TypedSection("a", "t", Set.of("x")), new TypedSection("a.b", "t", Set.of("x")));
        assertThatCode(() -> ConfigLoader.of(reference, nested).check(userFile("a { k = 2, b { type = x, k = 3 } }")))
                .doesNotThrowAnyException();
    }
}
