package io.github.vqlc.core.spi;

/**
 * What every SPI factory has: the name a config selects it by and a line for listings. A
 * {@link FactoryRegistry} holds factories of one kind by these names.
 */
public interface NamedFactory {

    /** The name used in a config's {@code type} key, e.g. {@code "ema"} or {@code "torchscript"}. */
    String type();

    /** One line for listings such as {@code vqlc quantizers}. */
    String description();
}
