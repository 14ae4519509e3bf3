package dev.runcmd.control.arm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** "." and ".." are not names (as path segments they mean the resource itself or its parent); other dots are. */
class ResourceNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void dotAndDotDotAreRefused(String name) {
        ArmException runCommand = assertThrows(ArmException.class, () -> ResourceNames.requireRunCommand(name));
        assertEquals("InvalidResourceName", runCommand.code());
        assertEquals("The run command name '" + name + "' is invalid: use 1 to 36 characters from letters, digits, "
                + "'-', '_' and '.', other than '.' and '..'.", runCommand.getMessage());
        ArmException machine = assertThrows(ArmException.class, () -> ResourceNames.requireMachine(name));
        assertEquals("InvalidResourceName", machine.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"...", ".a", "a.", "a..b", "v1.2"})
    void otherNamesWithDotsAreAccepted(String name) {
        assertEquals(name, ResourceNames.requireRunCommand(name));
        assertEquals(name, ResourceNames.requireMachine(name));
    }
}
