package dev.runcmd.control.jointoken;

import static dev.runcmd.control.arm.RequestJson.integer;
import static dev.runcmd.control.arm.RequestJson.member;
import static dev.runcmd.control.arm.RequestJson.object;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.control.arm.RequestJson;
import dev.runcmd.control.arm.ResourceNames;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns a create body, {@code {"properties":{"machineName","expiresInSeconds","uses"}}} (every member optional), into
 * a {@link JoinTokenSpec}, or throws 400 InvalidRequestContent naming the JSON path. Unknown members are ignored, as
 * in a run command body.
 */
@ApplicationScoped
public class JoinTokenRequestParser {

    private final ObjectReader reader;

    JoinTokenRequestParser(ObjectMapper mapper) {
        this.reader = RequestJson.strictReader(mapper);
    }

    /** The validated request. */
    public JoinTokenSpec parse(byte[] body) {
        ObjectNode properties = object(member(RequestJson.readObject(reader, body), "properties"), "properties");
        String machineName = RequestJson.optionalText(member(properties, "machineName"), "properties.machineName");
        if (machineName != null && !ResourceNames.isMachine(machineName)) {
            throw RequestJson.invalid("properties.machineName", "expected a machine name of "
                    + ResourceNames.MACHINE_RULE);
        }
        int expiresIn = integer(member(properties, "expiresInSeconds"), "properties.expiresInSeconds",
                JoinTokenSpec.MIN_EXPIRES_IN_SECONDS, JoinTokenSpec.MAX_EXPIRES_IN_SECONDS,
                JoinTokenSpec.DEFAULT_EXPIRES_IN_SECONDS);
        int uses = integer(member(properties, "uses"), "properties.uses", 1, JoinTokenSpec.MAX_USES,
                JoinTokenSpec.DEFAULT_USES);
        return new JoinTokenSpec(Optional.ofNullable(machineName), Duration.ofSeconds(expiresIn), uses);
    }
}
