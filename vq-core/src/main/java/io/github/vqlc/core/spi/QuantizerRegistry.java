package io.github.vqlc.core.spi;

import io.github.vqlc.core.UserException;
import java.util.Collection;
import java.util.Collections;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The quantizer types available to a run, by name. Built explicitly (no static state) so tests can
 * assemble registries in isolation.
 */
public final class QuantizerRegistry {

    private final TreeMap<String, QuantizerFactory> factories = new TreeMap<>();

    /** Every factory visible to {@code loader} through {@link ServiceLoader}. */
    public static QuantizerRegistry discover(ClassLoader loader) {
        QuantizerRegistry registry = new QuantizerRegistry();
        for (QuantizerFactory factory : ServiceLoader.load(QuantizerFactory.class, loader)) {
            registry.register(factory);
        }
        return registry;
    }

    public static QuantizerRegistry discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    public QuantizerRegistry register(QuantizerFactory factory) {
        QuantizerFactory previous = factories.putIfAbsent(factory.type(), factory);
        if (previous != null && previous.getClass() != factory.getClass()) {
            throw new IllegalStateException("quantizer type '" + factory.type() + "' registered twice: "
                    + previous.getClass().getName() + " and "
                    + factory.getClass().getName());
        }
        return this;
    }

    /** The factory for {@code type}; an unknown name is a user error listing the registered types. */
    public QuantizerFactory get(String type) {
        QuantizerFactory factory = factories.get(type);
        if (factory == null) {
            throw new UserException("unknown quantizer.type '" + type + "'; registered types: "
                    + String.join(", ", factories.keySet()));
        }
        return factory;
    }

    public boolean contains(String type) {
        return factories.containsKey(type);
    }

    public Collection<QuantizerFactory> all() {
        return Collections.unmodifiableCollection(factories.values());
    }
}
