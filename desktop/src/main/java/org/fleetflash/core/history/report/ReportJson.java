package org.fleetflash.core.history.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The one JSON form of recorded attempts, for {@code history export --format json}, {@code history list --json}
 * and the data digest of a report (shape in docs/history-and-reports.md). Written compact, every non-ASCII
 * character escaped with lower-case hex ({@code \u00e9}), fields in a fixed order; absent values are {@code null}.
 *
 * <p>The digest of a report's data ({@link #dataSha256}) is the SHA-256 of the ASCII bytes of the array
 * {@code [batches, attempts, hostKeyChanges]} written this way: what Python's
 * {@code json.dumps([d["batches"], d["attempts"], d["hostKeyChanges"]], separators=(",", ":"))} gives for a
 * parsed export {@code d}, so an auditor can recompute it without FleetFlash.
 */
public final class ReportJson {

    private static final ObjectMapper MAPPER = mapper();

    private ReportJson() {
    }

    /** A mapper that writes as this class does: every non-ASCII character escaped, with lower-case hex. */
    public static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.getFactory().configure(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature(), true);
        m.getFactory().configure(JsonWriteFeature.WRITE_HEX_UPPER_CASE.mappedFeature(), false);
        return m;
    }

    /** The whole export: {@code {"report": {...}, "batches": [...], "attempts": [...], "hostKeyChanges": [...]}}. */
    public static String document(Report report) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode head = root.putObject("report");
        head.put("generatedAt", report.generatedAt().toString());
        ObjectNode filters = head.putObject("filters");
        filters.put("since", report.filter().since().map(Instant::toString).orElse(null));
        filters.put("until", report.filter().until().map(Instant::toString).orElse(null));
        filters.put("outcome", report.filter().outcome().orElse(null));
        filters.put("router", report.filter().router().orElse(null));
        filters.put("batch", report.filter().batch().orElse(null));
        head.put("attemptCount", report.attempts().size());
        ObjectNode counts = head.putObject("counts");
        report.countsByOutcome().forEach(counts::put);
        head.put("dataSha256", dataSha256(report));
        root.set("batches", batches(report.batches()));
        root.set("attempts", attempts(report.attempts()));
        root.set("hostKeyChanges", hostKeyChanges(report.hostKeyChanges()));
        return write(root);
    }

    /** What {@code history list --json} prints: {@code {"attempts": [...]}}. */
    public static String list(List<ReportAttempt> attempts) {
        ObjectNode root = MAPPER.createObjectNode();
        root.set("attempts", attempts(attempts));
        return write(root);
    }

    /** The SHA-256 (lower-case hex) of the report's data: see the class description for exactly what is digested. */
    public static String dataSha256(Report report) {
        ArrayNode data = MAPPER.createArrayNode();
        data.add(batches(report.batches()));
        data.add(attempts(report.attempts()));
        data.add(hostKeyChanges(report.hostKeyChanges()));
        return sha256(write(data));
    }

    /** The SHA-256 of {@code canonicalJson}'s ASCII bytes (it is all ASCII, as this class writes it). */
    static String sha256(String canonicalJson) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(canonicalJson.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java", e);
        }
    }

    /** {@code node} as this class writes it. */
    public static String write(com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node); // JsonNode.toString() would ignore the mapper's escaping
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The report cannot be written as JSON", e);
        }
    }

    static ArrayNode attempts(List<ReportAttempt> attempts) {
        ArrayNode list = MAPPER.createArrayNode();
        attempts.forEach(a -> attempt(list.addObject(), a));
        return list;
    }

    private static void attempt(ObjectNode o, ReportAttempt a) {
        o.put("attempt", a.attemptId());
        o.put("batch", a.batchId());
        o.put("try", a.tryNumber());
        o.put("router", a.router());
        o.put("host", a.host());
        o.put("port", a.port());
        o.put("model", a.model().orElse(null));
        o.put("hostname", a.hostname().orElse(null));
        o.put("architecture", a.architecture().orElse(null));
        o.put("mac", a.mac().orElse(null));
        o.put("serial", a.serial().orElse(null));
        o.put("imageFile", a.imageFile().orElse(null));
        o.put("imageSha256", a.imageSha256().orElse(null));
        number(o, "imageSize", a.imageSize());
        o.put("imageFormat", a.imageFormat().orElse(null));
        o.put("imageVersion", a.imageVersion().orElse(null));
        o.put("imagePath", a.imagePath().orElse(null));
        o.put("layout", a.layout().orElse(null));
        o.put("oldVersion", a.oldVersion().orElse(null));
        o.put("newVersion", a.newVersion().orElse(null));
        o.put("startedAt", a.startedAt().toString());
        o.put("endedAt", a.endedAt().map(Instant::toString).orElse(null));
        o.put("resumedAt", a.resumedAt().map(Instant::toString).orElse(null));
        number(o, "durationMs", a.duration().map(Duration::toMillis));
        o.put("phase", a.phase().orElse(null));
        o.put("outcome", a.outcome());
        o.put("failureCode", a.failureCode().orElse(null));
        o.put("failureMessage", a.failureMessage().orElse(null));
        o.put("bytesDownloaded", a.bytesDownloaded());
        o.put("blocksWritten", a.blocksWritten());
        o.put("blocksUnchanged", a.blocksUnchanged());
        o.put("blocksFailed", a.blocksFailed());
        o.put("imageForced", a.imageForced());
        o.put("hostKeyFingerprint", a.hostKeyFingerprint().orElse(null));
        o.put("backupDir", a.backupDir().orElse(null));
        ArrayNode phases = o.putArray("phases");
        for (ReportAttempt.PhaseTime p : a.phases()) {
            ObjectNode po = phases.addObject();
            po.put("phase", p.phase());
            po.put("enteredAt", p.enteredAt().toString());
            po.put("leftAt", p.leftAt().map(Instant::toString).orElse(null));
            number(po, "durationMs", p.duration().map(Duration::toMillis));
        }
        ArrayNode backups = o.putArray("backups");
        for (ReportAttempt.Backup b : a.backups()) {
            backups.addObject().put("partition", b.partition()).put("file", b.file()).put("size", b.size()).put("sha256", b.sha256());
        }
    }

    private static ArrayNode batches(List<ReportBatch> batches) {
        ArrayNode list = MAPPER.createArrayNode();
        for (ReportBatch b : batches) {
            ObjectNode o = list.addObject();
            o.put("batch", b.id());
            o.put("startedAt", b.startedAt().toString());
            o.put("endedAt", b.endedAt().map(Instant::toString).orElse(null));
            number(o, "routerCount", b.routerCount().map(Integer::longValue));
            o.put("operator", b.operator().orElse(null));
            o.put("site", b.site().orElse(null));
            o.put("haltedReason", b.haltedReason().orElse(null));
        }
        return list;
    }

    private static ArrayNode hostKeyChanges(List<HostKeyChange> changes) {
        ArrayNode list = MAPPER.createArrayNode();
        for (HostKeyChange k : changes) {
            ObjectNode o = list.addObject();
            o.put("router", k.router());
            o.put("keyType", k.keyType());
            o.put("fingerprint", k.fingerprint());
            o.put("pinnedAt", k.pinnedAt().toString());
            o.put("pinnedBy", k.pinnedBy());
            o.put("attempt", k.attemptId().orElse(null));
            o.put("unpinnedAt", k.unpinnedAt().map(Instant::toString).orElse(null));
            o.put("unpinnedBy", k.unpinnedBy().orElse(null));
        }
        return list;
    }

    private static void number(ObjectNode o, String field, Optional<Long> value) {
        if (value.isPresent()) {
            o.put(field, value.get());
        } else {
            o.putNull(field);
        }
    }
}
