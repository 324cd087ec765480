package io.github.vqlc.core.data;

import java.util.Locale;

/** Which part of a dataset to read: the training split or the held-out test/validation split. */
public enum Split {
    TRAIN,
    TEST;

    /** Lower-case name used in messages and descriptions ("train", "test"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
