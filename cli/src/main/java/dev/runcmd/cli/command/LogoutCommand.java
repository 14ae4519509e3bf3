package dev.runcmd.cli.command;

import dev.runcmd.cli.auth.CredentialResolver;
import dev.runcmd.cli.auth.ProfileStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code runcmd logout}: deletes the login profile (the identity provider's session is not touched). */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Forget the login: delete <config dir>/profile.json with its tokens.",
        footerHeading = "%nExamples:%n",
        footer = {"  runcmd logout",
                "  RUNCMD_CONFIG_DIR=~/.runcmd-staging runcmd logout    # another config dir's"})
public final class LogoutCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        ProfileStore store = CredentialResolver.ofThisProcess().profiles();
        System.err.println(store.delete() ? "runcmd: logged out; deleted " + store.file()
                : "runcmd: not logged in (no " + store.file() + ")");
        return ExitCodes.OK;
    }
}
