package dev.runcmd.control.machine;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.runcmd.control.arm.ArmTime;

/**
 * The REST shape of a machine, as Azure Arc shows it.
 *
 * @param id the ARM resource id
 * @param name the machine name
 * @param type always {@value MachineScope#TYPE}
 * @param properties what the agent reported
 */
public record MachineView(String id, String name, String type, Properties properties) {

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
     */
    public record Properties(String status, String osName, String osVersion, String agentVersion,
            String lastStatusChange, @JsonInclude(JsonInclude.Include.NON_EMPTY) String agentPolicy) {
    }

    /** Builds the view of a stored machine. */
    public static MachineView of(MachineEntity machine) {
        MachineScope scope = machine.scope();
        return new MachineView(scope.resourceId(), machine.name, MachineScope.TYPE,
                new Properties(machine.status, machine.osName, machine.osVersion, machine.agentVersion,
                        ArmTime.format(machine.lastStatusChange), machine.agentPolicy));
    }
}
