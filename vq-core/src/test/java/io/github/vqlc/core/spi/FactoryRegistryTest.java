package io.github.vqlc.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import io.github.vqlc.core.UserException;
import org.junit.jupiter.api.Test;

class FactoryRegistryTest {

    record Named(String type) implements QuantizerFactory {
        @Override
        public String description() {
            return "test";
        }

        @Override
        public Quantizer create(Config section, QuantizerContext context) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void unknownTypeListsRegisteredOnes() {
        FactoryRegistry<QuantizerFactory> r = new FactoryRegistry<QuantizerFactory>("quantizer.type")
                .register(new Named("b"))
                .register(new Named("a"));
        assertThat(r.get("a").type()).isEqualTo("a");
        assertThatThrownBy(() -> r.get("zz"))
                .isInstanceOf(UserException.class)
                .hasMessage("unknown quantizer.type 'zz'; registered types: a, b");
        assertThat(r.types()).containsExactly("a", "b");
    }

    @Test
    void twoDifferentFactoriesForOneTypeAreRejected() {
        FactoryRegistry<QuantizerFactory> r =
                new FactoryRegistry<QuantizerFactory>("quantizer.type").register(new Named("a"));
        QuantizerFactory other = new QuantizerFactory() {
            public String type() {
                return "a";
            }

            public String description() {
                return "";
            }

            public Quantizer create(Config c, QuantizerContext x) {
                return null;
            }
        };
        assertThatThrownBy(() -> r.register(other)).hasMessageContaining("registered twice");
    }
}
