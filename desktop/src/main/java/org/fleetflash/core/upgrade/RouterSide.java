package org.fleetflash.core.upgrade;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.core.device.RepinPermit;

/**
 * Everything one attempt asks of the router before its reroot, in the engine's terms: the phase script
 * ({@link RouterUpgrade}) decides what follows from each answer, this side only talks to the router (over SSH and
 * the agent, in {@link SshRouterSide}). A step that fails throws an {@link UpgradeFailure} with the code and a
 * sentence; whether the router must be cleaned up, and what the outcome is, is the script's decision.
 */
interface RouterSide {

    /** Opens the session, the host key checked; returns the key's fingerprint. */
    String connect() throws UpgradeFailure;

    /** Uploads the agent and verifies it. */
    void installAgent() throws UpgradeFailure;

    /** Runs the agent's probe; the facts are not judged here. */
    DeviceFacts probe() throws UpgradeFailure;

    /** The first erase block of {@code partition} (the running firmware's header). */
    byte[] firstBlock(String partition) throws UpgradeFailure;

    /** Streams the named partitions' raw bytes, one after the other, into {@code sink}; returns the byte count. */
    long readPartitions(List<String> partitions, ByteSink sink) throws UpgradeFailure;

    /**
     * The router's own SHA-256 of each of {@code partitions} (each a whole number of erase blocks), in one agent run,
     * in their order. The list may stop short: a router that cannot digest a partition leaves it and the ones after it
     * to be read. By default none (a router side that cannot digest).
     */
    default List<AgentLine.Digest> partitionDigests(List<Partition> partitions) throws UpgradeFailure {
        return List.of();
    }

    /** The laptop's address on the session: where the router can reach the laptop. */
    InetAddress laptopAddress();

    /** Claims the router for this attempt (BUSY, with the holder, when another has it). */
    AgentLine.Claimed claim() throws UpgradeFailure;

    /** Sends the stage configuration. */
    void configure(StageConf conf) throws UpgradeFailure;

    /** The router's pre-flight, then the memory disk. */
    AgentLine.Prepared prepare() throws UpgradeFailure;

    /**
     * Claim, configure, prepare, fetch and seal in one agent round trip, for a router that downloads the image itself
     * and checks it with its own {@code sha256}: what each would answer reaches {@code progress} as it arrives, in
     * that order, and the seal's answer is returned. A failure says what {@code progress} heard up to it.
     */
    AgentLine.Staged stage(StageConf conf, StageProgress progress) throws UpgradeFailure;

    /** What {@link #stage} reports step by step, on the thread that reads the router's answers. */
    interface StageProgress {
        void claimed(AgentLine.Claimed claimed);

        void configured();

        void prepared(AgentLine.Prepared prepared);

        void fetched();
    }

    /** The router downloads the image from the laptop's FTP server. */
    void fetch() throws UpgradeFailure;

    /** Streams the image over the SSH session to {@code remotePath}; returns how the copy was checked, in words. */
    String upload(Path image, String remotePath) throws UpgradeFailure;

    /** Reads the staged image back to the laptop (for a router without sha256); returns size and SHA-256. */
    Digest readBack(String remotePath) throws UpgradeFailure;

    /** Checks the staged image and builds the reroot root. */
    AgentLine.Staged seal() throws UpgradeFailure;

    /** Sends the commit; ends the session. Never throws: a session that dies after {@code reboot -r} is expected. */
    CommitAnswer commit();

    /** Removes what this attempt made on the router, on a new session when the step's one is gone. */
    CleanupAnswer cleanup();

    /** Aborts the command in flight (a cancel): closes the active session. Safe from any thread. */
    void abort();

    /** Closes the session. */
    void close();

    /** Waits for the router after the reroot; see {@link ReturnWatch}. */
    ReturnWatch.Knock knock(String md);

    /**
     * From the commit until the attempt ends, the router may come back with new host keys (the new firmware brings
     * them): this lets the attempt's connections re-pin its key until the permit is closed. By default nothing.
     */
    default RepinPermit allowHostKeyChange() {
        return RepinPermit.NONE;
    }

    /** A bytes sink for partition reads. */
    @FunctionalInterface
    interface ByteSink {
        void write(byte[] b, int off, int len) throws java.io.IOException;
    }

    /** A staged file's size and digest. */
    record Digest(long size, String sha256) {
    }

    /**
     * What the commit said.
     *
     * @param committed the agent confirmed {@code reboot -r} returned
     * @param error     the agent's error, when it refused or failed before the reroot
     */
    record CommitAnswer(boolean committed, Optional<AgentLine.Error> error) {
    }

    /**
     * What a clean-up did.
     *
     * @param done   the agent finished its clean-up
     * @param undone what it put back, in its words
     * @param why    when it did not finish: why, in the router's or the connection's words (one line)
     */
    record CleanupAnswer(boolean done, List<String> undone, Optional<String> why) {

        /** A finished clean-up. */
        static CleanupAnswer finished(List<String> undone) {
            return new CleanupAnswer(true, undone, Optional.empty());
        }

        /** A clean-up that did not finish, and why. */
        static CleanupAnswer failed(List<String> undone, String why) {
            return new CleanupAnswer(false, undone, Optional.of(why));
        }
    }

    /** Reads the layout's span from a returned router: its facts and the SHA-256 of the plan's padded image length. */
    interface ReturnedRouter extends AutoCloseable {
        /**
         * The returned router's facts. Where it can, the router also computes its SHA-256 of the plan's span in the
         * same agent run (one round trip), which {@link #spanSha256} then uses once the facts have been checked.
         */
        DeviceFacts probe(FlashPlan plan) throws UpgradeFailure;

        String spanSha256(FlashPlan plan) throws UpgradeFailure;

        @Override
        void close();
    }
}
