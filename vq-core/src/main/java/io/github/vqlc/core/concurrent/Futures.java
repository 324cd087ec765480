package io.github.vqlc.core.concurrent;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work handed to a thread pool. */
public final class Futures {
    private Futures() {}

    /**
     * The result of {@code f}, rethrowing what the task threw. Waits until the task ends even when
     * the caller is interrupted (the interrupt is kept): tasks here write into buffers or arrays
     * the caller frees once this returns, so returning early would free them under the task.
     */
    public static <T> T await(Future<T> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
