package org.fleetflash.agent.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a probe found out about one router: system, memory, tools, LEDs and the flash partition table.
 * Built by {@link DeviceFactsBuilder}; the pre-flight checks and the flash plan decide from it.
 *
 * @param freeMemory bytes: free pages times page size
 * @param tools      each tool the agent reported, present or not
 * @param toolPaths  where the present tools were found (when the agent said)
 * @param partitions sorted by offset
 * @param warnings   things that did not stop the probe but that a human should see
 */
public record DeviceFacts(
        String osRelease,
        int osRelDate,
        String arch,
        String machineArch,
        String hostname,
        String model,
        long physMemory,
        long userMemory,
        long pageSize,
        long freeMemory,
        String rootMountFrom,
        boolean tmpfs,
        boolean watchdogdRunning,
        List<String> mdUnitsInUse,
        Map<String, Boolean> tools,
        Map<String, String> toolPaths,
        List<String> leds,
        long eraseBlock,
        String flashDevice,
        long flashSize,
        List<Partition> partitions,
        List<String> warnings,
        Optional<String> firmwareVersion) {

    public DeviceFacts {
        Objects.requireNonNull(osRelease, "osRelease");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(machineArch, "machineArch");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(rootMountFrom, "rootMountFrom");
        Objects.requireNonNull(flashDevice, "flashDevice");
        mdUnitsInUse = List.copyOf(mdUnitsInUse);
        tools = Collections.unmodifiableMap(new LinkedHashMap<>(tools));
        toolPaths = Collections.unmodifiableMap(new LinkedHashMap<>(toolPaths));
        leds = List.copyOf(leds);
        partitions = List.copyOf(partitions);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(firmwareVersion, "firmwareVersion");
    }

    /** The partition called {@code name}, if the flash has one. */
    public Optional<Partition> partition(String name) {
        return partitions.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Whether the agent reported {@code tool} as present. */
    public boolean hasTool(String tool) {
        return Boolean.TRUE.equals(tools.get(tool));
    }
}
