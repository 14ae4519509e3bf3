package dev.runcmd.control.arm;

import java.util.regex.Pattern;

/** The name rules of the resources in the path, checked before anything is read or written. */
public final class ResourceNames {

    /* "." and ".." are not names: as path segments they mean the resource itself or its parent. */
    private static final Pattern MACHINE = Pattern.compile("(?!\\.{1,2}$)[a-zA-Z0-9_.-]{1,54}");
    private static final Pattern RUN_COMMAND = Pattern.compile("(?!\\.{1,2}$)[a-zA-Z0-9_.-]{1,36}");

    private ResourceNames() {
    }

    /** Returns the machine name, or throws 400 InvalidResourceName when it breaks [a-zA-Z0-9-_.]{1,54}. */
    public static String requireMachine(String name) {
        if (name == null || !MACHINE.matcher(name).matches()) {
            throw ArmException.invalidResourceName("The machine name '" + name + "' is invalid: use 1 to 54 "
                    + "characters from letters, digits, '-', '_' and '.', other than '.' and '..'.");
        }
        return name;
    }

    /** Returns the run command name, or throws 400 InvalidResourceName when it breaks [a-zA-Z0-9-_.]{1,36}. */
    public static String requireRunCommand(String name) {
        if (name == null || !RUN_COMMAND.matcher(name).matches()) {
            throw ArmException.invalidResourceName("The run command name '" + name + "' is invalid: use 1 to 36 "
                    + "characters from letters, digits, '-', '_' and '.', other than '.' and '..'.");
        }
        return name;
    }
}
