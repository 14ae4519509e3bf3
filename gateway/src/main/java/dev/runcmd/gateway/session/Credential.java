package dev.runcmd.gateway.session;

import dev.runcmd.proto.pki.MachineIdentity;
import java.time.Instant;

/** The certificate a session's agent holds now: the identity it names and when it ends (renewal moves it). */
public record Credential(MachineIdentity identity, Instant notAfter) {
}
