package org.fleetflash.core.upgrade;

import java.net.InetAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.fleetflash.agent.plan.FlashPlan;
import org.fleetflash.agent.protocol.AgentLine;
import org.fleetflash.agent.protocol.DeviceFacts;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.agent.sim.Profile;
import org.fleetflash.agent.sim.SimImage;

/**
 * A router for the phase script's unit tests: an in-memory TL-WDR3600 flash and a step list the test can make fail,
 * block, or answer otherwise. It records which steps ran, so a test can tell whether the script cleaned up.
 */
final class FakeRouter implements RouterSide {

    /** The steps a test can make fail. */
    enum Step { CONNECT, INSTALL, PROBE, DIGEST, READ, CLAIM, CONFIGURE, PREPARE, FETCH, UPLOAD, READ_BACK, SEAL, RETURN_PROBE, SPAN }

    static final Profile PROFILE = Profile.load("tl-wdr3600");
    static final long EB = PROFILE.eraseBlock();
    static final long SPAN_START = 0x20000;
    static final long SPAN_END = 0x7d0000;

    final byte[] flash = new byte[(int) PROFILE.flashSize()];
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final Map<Step, UpgradeFailure> failures = new ConcurrentHashMap<>();
    /** Called with each partition's name before its bytes are sent in {@link #readPartitions}. */
    volatile java.util.function.Consumer<String> beforeRead = name -> { };
    final Set<Step> blocking = EnumSet.noneOf(Step.class);
    final CountDownLatch aborted = new CountDownLatch(1);
    volatile boolean cleanupWorks = true;
    /** The stage configuration the router was sent last. */
    volatile String conf;
    volatile boolean tmpfs = true;
    volatile boolean hasSha256 = true;
    volatile Optional<String> sealedSha = Optional.empty();
    volatile RouterSide.CommitAnswer commitAnswer = new RouterSide.CommitAnswer(true, Optional.empty());
    /** One knock's answer. */
    @FunctionalInterface
    interface KnockAnswer {
        ReturnWatch.Answer apply(FakeRouter r) throws UpgradeFailure;
    }

    /** What each knock after the commit answers; the last one repeats. */
    volatile List<KnockAnswer> knocks = List.of(r -> new ReturnWatch.Answer.Back(r.returned()));
    volatile boolean flashTheImage = true;
    volatile boolean returnedLayoutChanged;
    volatile byte[] newImage;
    volatile RuntimeException explodeAt;
    volatile Step explodeStep;

    FakeRouter(byte[] runningImage) {
        Arrays.fill(flash, (byte) 0xff);
        Arrays.fill(flash, (int) SPAN_START, (int) SPAN_END, (byte) 0);
        System.arraycopy(runningImage, 0, flash, (int) SPAN_START, runningImage.length);
    }

    static byte[] image(String version) {
        return SimImage.bytes(PROFILE, version, 0);
    }

    DeviceFacts facts() {
        long kernelEnd = SPAN_START + roundUp(SimImage.kernelLength(PROFILE));
        List<Partition> parts = List.of(
                new Partition("u-boot", 0, SPAN_START, true, 0, EB, "0x000000"),
                new Partition("kernel", SPAN_START, kernelEnd - SPAN_START, false, 2, EB, "0x020000"),
                new Partition("rootfs", kernelEnd, SPAN_END - kernelEnd, false, 3, EB, "search:0x00020000:0x10000:.!/bin/sh"),
                new Partition("cfg", SPAN_END, 0x10000, false, 4, EB, "0x7d0000"),
                new Partition("ART", 0x7f0000, 0x10000, true, 6, EB, "0x7f0000"));
        if (returnedLayoutChanged && calls.contains("commit")) {
            parts = parts.subList(0, 2);
        }
        return new DeviceFacts(PROFILE.osRelease(), PROFILE.osReldate(), "mips", PROFILE.hwMachineArch(), PROFILE.hostname(),
                PROFILE.model(), PROFILE.physmem(), PROFILE.usermem(), PROFILE.pageSize(), PROFILE.pageSize() * PROFILE.freePages(),
                PROFILE.rootMountFrom(), tmpfs, true, List.of("md0"), Map.of("fetch", true, "sha256", hasSha256),
                Map.of(), List.of("SYSTEM"), EB, PROFILE.flashDevice(), PROFILE.flashSize(), parts, List.of(),
                Optional.of("old"));
    }

    private static long roundUp(long n) {
        return (n + EB - 1) / EB * EB;
    }

    private void step(Step s) throws UpgradeFailure {
        calls.add(s.name().toLowerCase(java.util.Locale.ROOT));
        if (explodeStep == s) {
            throw explodeAt;
        }
        if (blocking.contains(s)) {
            try {
                aborted.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw UpgradeFailure.safe(FailureCode.REMOTE_COMMAND_FAILED, "The session was closed.");
        }
        UpgradeFailure f = failures.get(s);
        if (f != null) {
            throw f;
        }
    }

    @Override
    public String connect() throws UpgradeFailure {
        step(Step.CONNECT);
        return "SHA256:fake";
    }

    @Override
    public void installAgent() throws UpgradeFailure {
        step(Step.INSTALL);
    }

    @Override
    public DeviceFacts probe() throws UpgradeFailure {
        step(Step.PROBE);
        return facts();
    }

    @Override
    public byte[] firstBlock(String partition) throws UpgradeFailure {
        return Arrays.copyOfRange(flash, (int) SPAN_START, (int) (SPAN_START + EB));
    }

    /** The partitions read over the session, in order, over every backup. */
    final List<String> partitionsRead = Collections.synchronizedList(new ArrayList<>());
    /** The partitions the router was asked to digest, in order. */
    final List<String> partitionsDigested = Collections.synchronizedList(new ArrayList<>());
    /** What the router's digest of a partition says instead of the truth, by name (a router that lies, or a mix-up). */
    final Map<String, String> digestOverrides = new ConcurrentHashMap<>();

    @Override
    public List<AgentLine.Digest> partitionDigests(List<Partition> partitions) throws UpgradeFailure {
        step(Step.DIGEST);
        List<AgentLine.Digest> digests = new ArrayList<>();
        if (!hasSha256) {
            return digests;
        }
        for (Partition asked : partitions) {
            partitionsDigested.add(asked.name());
            Partition p = facts().partition(asked.name()).orElseThrow();
            String sha = digestOverrides.getOrDefault(p.name(), HexFormat.of().formatHex(
                    Digests.sha256().digest(Arrays.copyOfRange(flash, (int) p.offset(), (int) p.end()))));
            digests.add(new AgentLine.Digest(p.size() / EB, p.size(), sha));
        }
        return digests;
    }

    @Override
    public long readPartitions(List<String> partitions, ByteSink sink) throws UpgradeFailure {
        long n = 0;
        for (String name : partitions) {
            step(Step.READ);
            partitionsRead.add(name);
            Partition p = facts().partition(name).orElseThrow();
            beforeRead.accept(name);
            try {
                sink.write(flash, (int) p.offset(), (int) p.size());
            } catch (java.io.IOException e) {
                // as over SSH: a sink that throws inside the channel's callback takes the session down with it, and
                // what the caller sees is the lost session, not the sink's exception
                throw UpgradeFailure.safe(FailureCode.BACKUP_FAILED, "The connection to the router dropped while it sent partition " + name
                        + ".");
            }
            n += p.size();
        }
        return n;
    }

    @Override
    public InetAddress laptopAddress() {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public AgentLine.Claimed claim() throws UpgradeFailure {
        step(Step.CLAIM);
        return new AgentLine.Claimed("a", "now", "127.0.0.1");
    }

    @Override
    public void configure(StageConf conf) throws UpgradeFailure {
        step(Step.CONFIGURE);
        this.conf = conf.text();
    }

    @Override
    public AgentLine.Prepared prepare() throws UpgradeFailure {
        step(Step.PREPARE);
        return new AgentLine.Prepared("md9", "/tmp/ffmnt", "/tmp/ffmnt/image", 32 << 20);
    }

    @Override
    public void fetch() throws UpgradeFailure {
        step(Step.FETCH);
    }

    /** The steps of {@link #claim} to {@link #seal} in order, each failing or blocking as set, with the progress between. */
    @Override
    public AgentLine.Staged stage(StageConf conf, StageProgress progress) throws UpgradeFailure {
        calls.add("stage");
        progress.claimed(claim());
        configure(conf);
        progress.configured();
        progress.prepared(prepare());
        fetch();
        progress.fetched();
        return seal();
    }

    @Override
    public String upload(Path image, String remotePath) throws UpgradeFailure {
        step(Step.UPLOAD);
        return "sha256";
    }

    @Override
    public Digest readBack(String remotePath) throws UpgradeFailure {
        step(Step.READ_BACK);
        return new Digest(newImage.length - 1, "0".repeat(64));
    }

    @Override
    public AgentLine.Staged seal() throws UpgradeFailure {
        step(Step.SEAL);
        return new AgentLine.Staged("md9", 32 << 20, newImage.length, sealedSha);
    }

    @Override
    public CommitAnswer commit() {
        calls.add("commit");
        if (commitAnswer.committed() || commitAnswer.error().map(e -> e.code().equals("COMMIT_TIMEOUT")).orElse(true)) {
            if (flashTheImage) {
                Arrays.fill(flash, (int) SPAN_START, (int) SPAN_END, (byte) 0);
                System.arraycopy(newImage, 0, flash, (int) SPAN_START, newImage.length);
            }
        }
        return commitAnswer;
    }

    @Override
    public CleanupAnswer cleanup() {
        calls.add("cleanup");
        return cleanupWorks ? CleanupAnswer.finished(List.of("memory disk md9 detached"))
                : CleanupAnswer.failed(List.of(), "could not undo: md (mdconfig -d -u md9: Device busy)");
    }

    @Override
    public void abort() {
        calls.add("abort");
        aborted.countDown();
    }

    @Override
    public void close() {
    }

    private int knocked;

    @Override
    public org.fleetflash.core.device.RepinPermit allowHostKeyChange() {
        calls.add("key-change-allowed");
        return () -> calls.add("key-change-ended");
    }

    @Override
    public ReturnWatch.Knock knock(String md) {
        return () -> {
            calls.add("knock");
            List<KnockAnswer> k = knocks;
            return k.get(Math.min(knocked++, k.size() - 1)).apply(this);
        };
    }

    ReturnedRouter returned() {
        return new ReturnedRouter() {
            @Override
            public DeviceFacts probe(FlashPlan plan) throws UpgradeFailure {
                step(Step.RETURN_PROBE);
                return facts();
            }

            @Override
            public String spanSha256(FlashPlan plan) throws UpgradeFailure {
                step(Step.SPAN);
                MessageDigest sha = Digests.sha256();
                sha.update(flash, (int) plan.spanOffset(), (int) plan.paddedSize());
                return HexFormat.of().formatHex(sha.digest());
            }

            @Override
            public void close() {
            }
        };
    }
}
