package io.github.vqlc.core.spi;

import io.github.vqlc.core.UserException;
import java.util.Collection;
import java.util.Collections;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The factories of one SPI kind (quantizers, feature extractors, ...) available to a run, by
 * {@link NamedFactory#type()}. Built explicitly, with no static state, so tests can assemble a
 * registry in isolation; {@link #discover} fills one from {@code META-INF/services} through
 * {@link ServiceLoader}.
 *
 * @param <F> the factory interface
 */
public final class FactoryRegistry<F extends NamedFactory> {

    private final String what;
    private final TreeMap<String, F> factories = new TreeMap<>();

    /**
     * An empty registry.
     *
     * @param what how messages name the selecting key, e.g. {@code "quantizer.type"}
     */
    public FactoryRegistry(String what) {
        this.what = what;
    }

    /** Every implementation of {@code service} visible to {@code loader}. */
    public static <F extends NamedFactory> FactoryRegistry<F> discover(
            Class<F> service, String what, ClassLoader loader) {
        FactoryRegistry<F> registry = new FactoryRegistry<>(what);
        for (F factory : ServiceLoader.load(service, loader)) {
            registry.register(factory);
        }
        return registry;
    }

    /** Adds {@code factory}; a second, different factory for the same type is an error. */
    public FactoryRegistry<F> register(F factory) {
        F previous = factories.putIfAbsent(factory.type(), factory);
        if (previous != null && previous.getClass() != factory.getClass()) {
            throw new IllegalStateException(what + " '" + factory.type() + "' registered twice: "
                    + previous.getClass().getName() + " and "
                    + factory.getClass().getName());
        }
        return this;
    }

    /** The factory for {@code type}; an unknown name is a user error listing the registered types. */
    public F get(String type) {
        F factory = factories.get(type);
        if (factory == null) {
            throw new UserException(
                    "unknown " + what + " '" + type + "'; registered types: " + String.join(", ", factories.keySet()));
        }
        return factory;
    }

    public boolean contains(String type) {
        return factories.containsKey(type);
    }

    /** The registered type names, sorted. */
    public Set<String> types() {
        return Collections.unmodifiableSet(factories.keySet());
    }

    /** The factories, sorted by type. */
    public Collection<F> all() {
        return Collections.unmodifiableCollection(factories.values());
    }
}
