package io.github.vqlc.core.spi;

import io.github.vqlc.core.UserException;
import java.util.Collection;
import java.util.Collections;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The feature extractor types available, by name; built explicitly like {@link QuantizerRegistry}. */
public final class FeatureExtractorRegistry {

    private final TreeMap<String, FeatureExtractorFactory> factories = new TreeMap<>();

    public static FeatureExtractorRegistry discover(ClassLoader loader) {
        FeatureExtractorRegistry registry = new FeatureExtractorRegistry();
        for (FeatureExtractorFactory factory : ServiceLoader.load(FeatureExtractorFactory.class, loader)) {
            registry.register(factory);
        }
        return registry;
    }

    public static FeatureExtractorRegistry discover() {
        return discover(Thread.currentThread().getContextClassLoader());
    }

    public FeatureExtractorRegistry register(FeatureExtractorFactory factory) {
        FeatureExtractorFactory previous = factories.putIfAbsent(factory.type(), factory);
        if (previous != null && previous.getClass() != factory.getClass()) {
            throw new IllegalStateException("feature extractor type '" + factory.type() + "' registered twice: "
                    + previous.getClass().getName() + " and "
                    + factory.getClass().getName());
        }
        return this;
    }

    /** The factory for {@code type}; an unknown name is a user error listing the registered types. */
    public FeatureExtractorFactory get(String type) {
        FeatureExtractorFactory factory = factories.get(type);
        if (factory == null) {
            throw new UserException("unknown feature extractor type '" + type + "'; registered types: "
                    + String.join(", ", factories.keySet()));
        }
        return factory;
    }

    public boolean contains(String type) {
        return factories.containsKey(type);
    }

    public Collection<FeatureExtractorFactory> all() {
        return Collections.unmodifiableCollection(factories.values());
    }
}
