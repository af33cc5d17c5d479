package org.fleetflash.core.upgrade;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits for a router after its reroot: knocks (an SSH login and a look at its root) every 250 ms to 1 s, so a
 * router is noticed within a second of its SSH server answering, until it answers from its new system or the
 * window closes. When the flasher says it reboots ({@link #wake()}), the wait for the next knock ends at once, and
 * a knock that then finds nothing listening (a refused or unanswered connection, which costs the router nothing) is
 * followed by the next one after 250 ms: the router is then noticed within a quarter of a second of its return. A
 * refused login or a failed handshake is retried within the window (a router going down or coming up may answer
 * half-way); a changed host key or unusable credentials end it at once. When the window ends, a failed login is the
 * reason only if it was the router's latest answer.
 */
final class ReturnWatch {

    static final Duration POLL_MIN = Duration.ofMillis(250);
    static final Duration POLL_MAX = Duration.ofSeconds(1);
    /** A 24-hour window knocked every {@link #POLL_MIN} is 345 600 knocks. */
    private static final int MAX_KNOCKS = 400_000;

    /** One try to reach the router. */
    @FunctionalInterface
    interface Knock {
        /**
         * @throws UpgradeFailure when the router turned out never to have rerooted and undid its commit (the
         *                        result is then what the commit said)
         */
        Answer knock() throws UpgradeFailure;
    }

    /** What one knock found. */
    sealed interface Answer {
        /** Nothing answers (yet). */
        record Silent(String why) implements Answer {
        }

        /** The old system answers: the reroot has not taken it down yet, or the commit still runs. */
        record OldSystem() implements Answer {
        }

        /** SSH answers, but the login failed; worth another try within the window. */
        record LoginFailed(FailureCode code, String why) implements Answer {
        }

        /** SSH answers with something FleetFlash must not or cannot log in to (changed key, unusable key). */
        record Refused(FailureCode code, String why) implements Answer {
        }

        /** The router is back, on its new system. */
        record Back(RouterSide.ReturnedRouter router) implements Answer {
        }
    }

    /** Sleeps between knocks; a test passes one that moves its clock. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        /** Ends the sleep under way, or the next one, at once. */
        default void wake() {
        }
    }

    /** Real time: {@link #sleep} waits out its duration unless {@link #wake()} comes first (before or during it). */
    static final class Nap implements Sleeper {
        private boolean woken;

        @Override
        public synchronized void sleep(Duration d) throws InterruptedException {
            long deadline = System.nanoTime() + d.toNanos();
            for (long left = d.toNanos(); !woken && left > 0; left = deadline - System.nanoTime()) {
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            woken = false;
        }

        @Override
        public synchronized void wake() {
            woken = true;
            notifyAll();
        }
    }

    private final Clock clock;
    private final Sleeper sleeper;

    ReturnWatch(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** The flasher said it reboots now: knock again without waiting out the current pause. */
    void wake() {
        sleeper.wake();
    }

    /**
     * Knocks until the router is back or {@code window} has passed.
     *
     * @param betweenKnocks run after every knock that did not find it back (the script advances its phase); true
     *                      when the router said it reboots now (its flasher's last report), so its return is near
     * @param flasherAtWork true while the router's flasher reports its work and has not said it reboots: the router
     *                      is then not knocked (a login each second, to a router busy writing its flash, only to find
     *                      it still there), only waited for, {@link #POLL_MAX} at a time unless {@link #wake()} comes
     * @param lastWord      what the router last reported (telemetry), for the message when it never returns
     * @param backup        where its backup is, for that message
     */
    RouterSide.ReturnedRouter await(Knock knock, Duration window, java.util.function.BooleanSupplier betweenKnocks,
            java.util.function.BooleanSupplier flasherAtWork, java.util.function.Supplier<String> lastWord, String backup)
            throws UpgradeFailure {
        Instant until = clock.instant().plus(window);
        Duration wait = POLL_MIN;
        Answer.LoginFailed lastLoginFailure = null;
        int knocks = 0;
        while (clock.instant().isBefore(until) && knocks++ < MAX_KNOCKS) {
            if (flasherAtWork.getAsBoolean()) {
                betweenKnocks.getAsBoolean();
                pause(POLL_MAX);
                continue;
            }
            Answer a = knock.knock();
            if (a instanceof Answer.Back back) {
                return back.router();
            }
            if (a instanceof Answer.Refused r) {
                throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, r.code(), "The router answers again but FleetFlash cannot"
                        + " log in to check it: " + r.why());
            }
            if (a instanceof Answer.LoginFailed f) {
                lastLoginFailure = f;
            } else if (a instanceof Answer.Silent) {
                // it stopped answering since: a login cut while the old system went down for the reroot is not what
                // the window ends on (the router may never have come back)
                lastLoginFailure = null;
            }
            boolean rebooting = betweenKnocks.getAsBoolean();
            if (rebooting && a instanceof Answer.Silent) {
                wait = POLL_MIN; // nothing listens yet: a connection attempt costs the returning router nothing
            }
            pause(wait);
            wait = wait.multipliedBy(2).compareTo(POLL_MAX) <= 0 ? wait.multipliedBy(2) : POLL_MAX;
        }
        if (lastLoginFailure != null) {
            throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, lastLoginFailure.code(), "The router answered SSH again after"
                    + " the reroot but FleetFlash could not log in to check it until the return window of "
                    + describe(window) + " ended: " + lastLoginFailure.why() + " Check its login, then run the upgrade"
                    + " again to check the flash (it says 'already up to date' when the image is there).");
        }
        String last = lastWord.get();
        throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, FailureCode.NO_RETURN, "The router did not answer SSH within "
                + describe(window) + " after the reroot" + (last == null ? " and sent no telemetry" : "; its last report was "
                + last) + ". It may still be flashing, or be stuck: check its LEDs; a console may be needed. The backup is in "
                + backup + ".");
    }

    private void pause(Duration d) throws UpgradeFailure {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpgradeFailure(Outcome.NEEDS_ATTENTION, FailureCode.INTERRUPTED, "Waiting for the router was"
                    + " interrupted after the reroot; check whether it came back.", e);
        }
    }

    static String describe(Duration d) {
        return d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : d.toSeconds() + " s";
    }
}
