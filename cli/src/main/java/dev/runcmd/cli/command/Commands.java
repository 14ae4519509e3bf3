package dev.runcmd.cli.command;

/** Factories for the commands whose classes stay package-private. */
public final class Commands {

    private Commands() {
    }

    public static Object up() {
        return new UpCommand();
    }

    public static Object demo() {
        return new DemoCommand();
    }
}
