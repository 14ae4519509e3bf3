package dev.runcmd.control.machine;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.runcmd.control.arm.ArmTime;
import java.util.Map;

/**
 * The REST shape of a machine, as Azure Arc shows it.
 *
 * @param id the ARM resource id
 * @param name the machine name
 * @param type always {@value MachineScope#TYPE}
 * @param tags the agent-reported tags overlaid by those set through the API
 * @param properties what the agent reported
 */
public record MachineView(String id, String name, String type, Map<String, String> tags, Properties properties) {

    /**
     * What the agent reported about its machine.
     *
     * @param status Connected or Disconnected
     * @param osName the operating system name
     * @param osVersion the operating system version
     * @param agentVersion the agent version
     * @param lastStatusChange when status last changed, ISO-8601 in UTC
     * @param agentPolicy runcmd extension: the machine administrator's agent policy in one line (what the agent
     *     refuses or caps), absent when the machine has none
     * @param agentTags runcmd extension: the tags the agent reports from its configuration
     */
    public record Properties(String status, String osName, String osVersion, String agentVersion,
            String lastStatusChange, @JsonInclude(JsonInclude.Include.NON_EMPTY) String agentPolicy,
            Map<String, String> agentTags) {
    }

    /** Builds the view of a stored machine. */
    public static MachineView of(MachineEntity machine) {
        MachineScope scope = machine.scope();
        return new MachineView(scope.resourceId(), machine.name, MachineScope.TYPE, MachineTags.merged(machine),
                new Properties(machine.status, machine.osName, machine.osVersion, machine.agentVersion,
                        ArmTime.format(machine.lastStatusChange), machine.agentPolicy,
                        MachineTags.read(machine.agentTagsJson)));
    }
}
