package io.github.vqlc.experiments.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.vqlc.core.UserException;
import io.github.vqlc.experiments.config.ExperimentConfig;
import io.github.vqlc.models.vqgan.VqAutoencoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TokenizerNamesTest {

    private static Map<String, Shape> names(List<String> quantizer, WeightNaming naming) {
        ExperimentConfig c = TinyTokenizers.config(Path.of("unused"), quantizer);
        try (NDManager m = NDManager.newBaseManager()) {
            VqAutoencoder model = TinyTokenizers.model(c, m);
            List<TokenizerNames.Entry> entries = TokenizerNames.of(model, c.model(), 16, naming);
            assertThat(entries).extracting(TokenizerNames.Entry::name).doesNotHaveDuplicates();
            return entries.stream()
                    .collect(Collectors.toMap(TokenizerNames.Entry::name, TokenizerNames.Entry::externalShape));
        }
    }

    @Test
    void encoderAndDecoderCarryTamingsNamesAndShapes() {
        Map<String, Shape> n = names(TinyTokenizers.lc("linear"), WeightNaming.VQGAN_LC);
        assertThat(n)
                .containsEntry("encoder.conv_in.weight", new Shape(32, 1, 3, 3))
                .containsEntry("encoder.down.0.block.0.norm1.weight", new Shape(32))
                .containsEntry("encoder.down.0.downsample.conv.weight", new Shape(32, 32, 3, 3))
                .containsEntry("encoder.down.1.block.0.nin_shortcut.weight", new Shape(64, 32, 1, 1))
                .containsEntry("encoder.down.1.attn.0.proj_out.weight", new Shape(64, 64, 1, 1))
                .containsEntry("encoder.mid.attn_1.q.bias", new Shape(64))
                .containsEntry("encoder.conv_out.weight", new Shape(8, 64, 3, 3))
                .containsEntry("quant_conv.weight", new Shape(4, 8, 1, 1))
                .containsEntry("post_quant_conv.weight", new Shape(8, 4, 1, 1))
                .containsEntry("decoder.conv_in.weight", new Shape(64, 8, 3, 3))
                .containsEntry("decoder.up.1.block.1.conv2.weight", new Shape(64, 64, 3, 3))
                .containsEntry("decoder.up.1.attn.1.k.weight", new Shape(64, 64, 1, 1))
                .containsEntry("decoder.up.1.upsample.conv.weight", new Shape(64, 64, 3, 3))
                .containsEntry("decoder.up.0.block.0.nin_shortcut.weight", new Shape(32, 64, 1, 1))
                .containsEntry("decoder.norm_out.bias", new Shape(32))
                .containsEntry("decoder.conv_out.weight", new Shape(1, 32, 3, 3))
                .containsEntry("tok_embeddings.weight", new Shape(64, 6))
                .containsEntry("codebook_projection.weight", new Shape(4, 6))
                .containsEntry("codebook_projection.bias", new Shape(4))
                .doesNotContainKeys("encoder.down.0.attn.0.q.weight", "decoder.up.0.upsample.conv.weight");
    }

    @Test
    void quantizerNamesFollowTheNaming() {
        assertThat(names(List.of("quantizer.type=vq"), WeightNaming.TAMING))
                .containsEntry("quantize.embedding.weight", new Shape(64, 4));
        assertThat(names(List.of("quantizer.type=ema"), WeightNaming.TAMING))
                .containsEntry("quantize.embedding.weight", new Shape(64, 4))
                .containsEntry("quantize.embedding.cluster_size", new Shape(64))
                .containsEntry("quantize.embedding.embed_avg", new Shape(64, 4));
        assertThat(names(TinyTokenizers.lc("mlp"), WeightNaming.VQGAN_LC))
                .containsEntry("codebook_projection.0.weight", new Shape(256, 6))
                .containsEntry("codebook_projection.2.weight", new Shape(4, 256));
        assertThat(names(TinyTokenizers.lc("mlp"), WeightNaming.VQLC))
                .containsEntry("quantize.codebook", new Shape(64, 6))
                .containsEntry("quantize.projector.2.bias", new Shape(4));
        assertThat(names(List.of("quantizer.type=fc"), WeightNaming.VQLC)).containsKey("quantize.codebook");
    }

    @Test
    void aNamingWithoutNamesForTheQuantizerIsAUserError() {
        assertThatThrownBy(() -> names(List.of("quantizer.type=fc"), WeightNaming.TAMING))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("no names for a 'fc' quantizer")
                .hasMessageContaining("--naming vqlc");
        assertThatThrownBy(() -> names(List.of("quantizer.type=vq"), WeightNaming.VQGAN_LC))
                .isInstanceOf(UserException.class);
        assertThatThrownBy(() -> WeightNaming.parse("torch"))
                .isInstanceOf(UserException.class)
                .hasMessageContaining("taming, vqgan-lc, vqlc");
    }

    /**
     * The VQGAN-LC authors' f16 ImageNet model (configs/imagenet/vqgan-lc-f16-100k.conf, a smaller
     * random codebook): the names and shapes their checkpoint holds (taming's layout with ch 128,
     * ch_mult [1, 1, 2, 2, 4], two blocks per level, attention at 16 px, z 256, embed 8).
     */
    @Test
    void theAuthorsImageNetModelHasTheirCheckpointsNames() {
        ExperimentConfig c = ExperimentConfig.load(
                Path.of("configs/imagenet/vqgan-lc-f16-100k.conf"),
                List.of(
                        "run.device=cpu",
                        "quantizer.codebook.init=random",
                        "quantizer.codebook.path=\"\"",
                        "quantizer.codebook-size=16"));
        try (NDManager m = NDManager.newBaseManager()) {
            VqAutoencoder model = TinyTokenizers.model(c, m);
            Map<String, Shape> n = TokenizerNames.of(model, c.model(), 256, WeightNaming.VQGAN_LC).stream()
                    .collect(Collectors.toMap(TokenizerNames.Entry::name, TokenizerNames.Entry::externalShape));
            assertThat(n)
                    .containsEntry("encoder.conv_in.weight", new Shape(128, 3, 3, 3))
                    .containsEntry("encoder.down.2.block.0.nin_shortcut.weight", new Shape(256, 128, 1, 1))
                    .containsEntry("encoder.down.4.block.0.nin_shortcut.weight", new Shape(512, 256, 1, 1))
                    .containsEntry("encoder.down.4.attn.1.q.weight", new Shape(512, 512, 1, 1))
                    .containsEntry("encoder.down.3.downsample.conv.weight", new Shape(256, 256, 3, 3))
                    .containsEntry("encoder.conv_out.weight", new Shape(256, 512, 3, 3))
                    .containsEntry("quant_conv.weight", new Shape(8, 256, 1, 1))
                    .containsEntry("tok_embeddings.weight", new Shape(16, 768))
                    .containsEntry("codebook_projection.weight", new Shape(8, 768))
                    .containsEntry("post_quant_conv.weight", new Shape(256, 8, 1, 1))
                    .containsEntry("decoder.conv_in.weight", new Shape(512, 256, 3, 3))
                    .containsEntry("decoder.up.4.attn.2.proj_out.weight", new Shape(512, 512, 1, 1))
                    .containsEntry("decoder.up.3.block.0.nin_shortcut.weight", new Shape(256, 512, 1, 1))
                    .containsEntry("decoder.up.1.block.0.nin_shortcut.weight", new Shape(128, 256, 1, 1))
                    .containsEntry("decoder.up.1.upsample.conv.weight", new Shape(128, 128, 3, 3))
                    .containsEntry("decoder.conv_out.weight", new Shape(3, 128, 3, 3))
                    .doesNotContainKeys(
                            "encoder.down.3.attn.0.q.weight",
                            "encoder.down.4.downsample.conv.weight",
                            "decoder.up.0.upsample.conv.weight",
                            "encoder.down.0.block.0.nin_shortcut.weight");
            assertThat(n.keySet().stream().filter(k -> k.contains(".nin_shortcut.weight")))
                    .containsExactlyInAnyOrder(
                            "encoder.down.2.block.0.nin_shortcut.weight",
                            "encoder.down.4.block.0.nin_shortcut.weight",
                            "decoder.up.3.block.0.nin_shortcut.weight",
                            "decoder.up.1.block.0.nin_shortcut.weight");
        }
    }
}
