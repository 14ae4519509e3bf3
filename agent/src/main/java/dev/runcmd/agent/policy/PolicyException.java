package dev.runcmd.agent.policy;

/** The agent policy file is unusable; the message names the file and the problem. */
public final class PolicyException extends Exception {

    public PolicyException(String message) {
        super(message);
    }
}
