package org.fleetflash.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.fleetflash.agent.protocol.Partition;
import org.fleetflash.core.upgrade.UpgradeEvent;
import org.fleetflash.core.upgrade.UpgradeResult;

/**
 * One JSON object per upgrade event ({@code --json-events}), as documented in docs/events.md. Router text stays
 * exact, every non-ASCII character escaped, so a terminal shows it inert.
 */
final class EventJson {

    private final ObjectMapper mapper = mapper();

    /** A mapper that escapes every non-ASCII character. */
    static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.getFactory().configure(JsonWriteFeature.ESCAPE_NON_ASCII.mappedFeature(), true);
        return m;
    }

    ObjectNode node() {
        return mapper.createObjectNode();
    }

    String write(ObjectNode o) {
        try {
            return mapper.writeValueAsString(o); // JsonNode.toString() would ignore ESCAPE_NON_ASCII
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("An event that cannot be written as JSON", ex);
        }
    }

    String of(UpgradeEvent e) {
        ObjectNode o = node();
        o.put("event", name(e));
        o.put("router", e.router());
        o.put("attempt", e.attempt().attemptId());
        o.put("batch", e.attempt().batchId());
        o.put("hostKey", e.attempt().router().hostKey().orElse(null));
        o.put("at", e.at().toString());
        if (e instanceof UpgradeEvent.Started s) {
            o.put("image", s.image().toString());
            ArrayNode layout = o.putArray("layout");
            s.layout().forEach(layout::add);
        } else if (e instanceof UpgradeEvent.PhaseChanged p) {
            o.put("phase", p.to().name());
            o.put("from", p.from() == null ? null : p.from().name());
        } else if (e instanceof UpgradeEvent.Probed p) {
            o.put("model", p.facts().model());
            o.put("hostname", p.facts().hostname());
            o.put("osRelease", p.facts().osRelease());
            o.put("arch", p.facts().machineArch());
            o.put("firmwareVersion", p.facts().firmwareVersion().orElse(null));
            o.put("physMemory", p.facts().physMemory());
            o.put("freeMemory", p.facts().freeMemory());
            o.put("eraseBlock", p.facts().eraseBlock());
            ArrayNode parts = o.putArray("partitions");
            for (Partition part : p.facts().partitions()) {
                parts.addObject().put("name", part.name()).put("offset", part.offset()).put("size", part.size());
            }
            ArrayNode tools = o.putArray("tools");
            p.facts().tools().forEach((tool, present) -> {
                if (present) {
                    tools.add(tool);
                }
            });
        } else if (e instanceof UpgradeEvent.Planned p) {
            o.put("imageSize", p.plan().imageSize());
            o.put("imageSha256", p.plan().imageSha256());
            o.put("spanOffset", p.plan().spanOffset());
            o.put("spanSize", p.plan().spanSize());
            o.put("blocks", p.plan().blocks());
            o.put("eraseBlock", p.plan().eraseBlock());
            o.put("imageFormat", p.image().map(i -> i.format().name()).orElse(null));
            o.put("imageForced", p.imageForced());
        } else if (e instanceof UpgradeEvent.BackedUp b) {
            o.put("directory", b.directory().toString());
            ArrayNode parts = o.putArray("partitions");
            b.partitions().forEach(p -> parts.addObject().put("name", p.partition()).put("size", p.size())
                    .put("sha256", p.sha256()));
        } else if (e instanceof UpgradeEvent.Transfer t) {
            o.put("phase", t.phase().name());
            o.put("item", t.item());
            o.put("bytes", t.bytes());
            o.put("total", t.total());
            o.put("bytesPerSecond", t.bytesPerSecond());
        } else if (e instanceof UpgradeEvent.BlockFlashed b) {
            o.put("block", b.block());
            o.put("blocks", b.blocks());
            o.put("action", b.action().name());
        } else if (e instanceof UpgradeEvent.Returned r) {
            o.put("firmwareVersion", r.firmwareVersion().orElse(null));
        } else if (e instanceof UpgradeEvent.Note n) {
            o.put("phase", n.phase() == null ? null : n.phase().name());
            o.put("level", n.level().name());
            o.put("text", n.text());
        } else if (e instanceof UpgradeEvent.Finished f) {
            result(o, f.result());
        }
        return write(o);
    }

    /** The result's fields, as in the {@code finished} event. */
    static void result(ObjectNode o, UpgradeResult r) {
        o.put("phase", r.phase() == null ? null : r.phase().name());
        o.put("outcome", r.outcome().name());
        o.put("code", r.code().name());
        o.put("message", r.message());
        o.put("blocksWritten", r.written());
        o.put("blocksSame", r.same());
        o.put("bytesDownloaded", r.bytesDownloaded());
        o.put("elapsedMillis", r.elapsed().toMillis());
        o.put("image", r.imageDescription());
        o.put("imageForced", r.imageForced());
    }

    private static String name(UpgradeEvent e) {
        if (e instanceof UpgradeEvent.Started) {
            return "started";
        }
        if (e instanceof UpgradeEvent.PhaseChanged) {
            return "phase";
        }
        if (e instanceof UpgradeEvent.Probed) {
            return "probed";
        }
        if (e instanceof UpgradeEvent.Planned) {
            return "planned";
        }
        if (e instanceof UpgradeEvent.BackedUp) {
            return "backedUp";
        }
        if (e instanceof UpgradeEvent.Transfer) {
            return "transfer";
        }
        if (e instanceof UpgradeEvent.BlockFlashed) {
            return "block";
        }
        if (e instanceof UpgradeEvent.Returned) {
            return "returned";
        }
        if (e instanceof UpgradeEvent.Note) {
            return "note";
        }
        return "finished";
    }
}
