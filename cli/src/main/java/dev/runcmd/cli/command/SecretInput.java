package dev.runcmd.cli.command;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Where a secret comes from when it must not appear on a command line (where other local users can read it in the
 * process list and the shell keeps it in its history): {@code @FILE}, {@code @-} (standard input, read once, for one
 * secret only) or an interactive prompt without echo. A read value loses one trailing newline, as {@code echo} and
 * editors add one. Every misuse is a usage error (exit 2) naming the option.
 */
final class SecretInput {

    private final CommandSpec spec;
    private final InputStream stdin;
    private String stdinUser; // the option that read standard input, or null

    SecretInput(CommandSpec spec, InputStream stdin) {
        this.spec = spec;
        this.stdin = stdin;
    }

    /** {@code @FILE} or {@code @-}, for {@code option}; {@code reference} starts with {@code @}. */
    String read(String option, String reference) {
        String source = reference.substring(1);
        if (source.equals("-")) {
            return fromStdin(option);
        }
        if (source.isEmpty()) {
            throw usage(option + ": '@' needs a file name (or '-' for standard input)");
        }
        try {
            return withoutNewline(Files.readString(Path.of(source), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw usage(option + ": no such file: " + source);
        } catch (IOException e) {
            throw usage(option + ": cannot read " + source + ": " + e.getMessage());
        }
    }

    /** Reads standard input to its end for {@code option}; a second reader is a usage error. */
    String fromStdin(String option) {
        if (stdinUser != null) {
            throw usage("standard input can give only one value: " + stdinUser + " already reads it, so "
                    + option + " cannot; read one of them from a file (@FILE)");
        }
        stdinUser = option;
        try {
            return withoutNewline(new String(stdin.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw usage(option + ": cannot read standard input: " + e.getMessage());
        }
    }

    /** Prompts on the terminal without echo; without a terminal, a usage error saying what to use instead. */
    String prompt(String option, String prompt) {
        Console console = System.console();
        if (console == null) {
            throw usage(option + " without a value prompts for it, but there is no terminal; use "
                    + option + " @FILE or " + option + "-stdin");
        }
        char[] typed = console.readPassword("%s", prompt);
        if (typed == null) {
            throw usage(option + ": no password was entered");
        }
        return new String(typed);
    }

    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static String withoutNewline(String text) {
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
