package org.fleetflash.ui.support;

import java.util.Queue;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.Scene;

/** Work timed by the window's frames (pulses), for the FX thread. Call its methods on the FX thread. */
public final class Frames {

    private Frames() {
    }

    /**
     * Runs {@code action} once {@code scene} has laid out {@code frames} frames from now: with 1, after the next frame's
     * styles and layout; with 2, once that frame was also drawn (the second frame waits for the first's drawing). Asks
     * JavaFX for the frames, so it does not wait for something else to change.
     */
    public static void afterFrames(Scene scene, int frames, Runnable action) {
        int[] left = {frames};
        Runnable[] listener = new Runnable[1];
        listener[0] = () -> {
            if (--left[0] > 0) {
                Platform.requestNextPulse();
                return;
            }
            scene.removePostLayoutPulseListener(listener[0]);
            action.run();
        };
        scene.addPostLayoutPulseListener(listener[0]);
        Platform.requestNextPulse();
    }

    /**
     * Runs the steps of {@code steps} in order, one per frame, until it is empty, so that a long piece of work done ahead
     * (e.g. styling a window before its first show) never holds the FX thread for more than one of its steps. A step may
     * add steps to the queue.
     */
    public static void onePerFrame(Queue<Runnable> steps) {
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                Runnable next = steps.poll();
                if (next == null) {
                    stop();
                } else {
                    next.run();
                }
            }
        }.start();
    }
}
