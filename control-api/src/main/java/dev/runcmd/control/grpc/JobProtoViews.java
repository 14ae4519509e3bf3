package dev.runcmd.control.grpc;

import static dev.runcmd.control.grpc.ProtoViews.orEmpty;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runcmd.control.job.JobView;
import dev.runcmd.control.job.TargetView;
import dev.runcmd.proto.v1.Job;
import dev.runcmd.proto.v1.JobRunCommand;
import dev.runcmd.proto.v1.JobTarget;
import dev.runcmd.proto.v1.JobTargets;
import dev.runcmd.proto.v1.Parameter;

/** Builds the public gRPC messages of jobs from the REST views, so both APIs show the same values. */
final class JobProtoViews {

    private JobProtoViews() {
    }

    /** The public message of a job; its run command never has protected parameters (the view has none). */
    static Job job(JobView view) {
        JobView.Properties properties = view.properties();
        return Job.newBuilder()
                .setId(view.id())
                .setName(view.name())
                .setLocation(view.location())
                .putAllTags(view.tags())
                .setCreatedBy(orEmpty(view.systemData().createdBy()))
                .setCreatedByType(orEmpty(view.systemData().createdByType()))
                .setTargets(targets(properties.targets()))
                .setMaxConcurrency(properties.maxConcurrency())
                .setMaxErrors(properties.maxErrors())
                .setRunCommand(runCommand(properties.runCommand()))
                .setProvisioningState(properties.provisioningState())
                .setMessage(orEmpty(properties.message()))
                .setTargetCount(properties.targetCount())
                .putAllExecutionStateCounts(properties.executionStateCounts())
                .setStartTime(orEmpty(properties.startTime()))
                .setEndTime(orEmpty(properties.endTime()))
                .build();
    }

    /** The public message of one target. */
    static JobTarget target(TargetView view) {
        JobTarget.Builder target = JobTarget.newBuilder()
                .setMachine(view.machine())
                .setRunCommandId(view.runCommandId())
                .setExecutionState(view.executionState())
                .setExecutionMessage(orEmpty(view.executionMessage()))
                .setStartTime(orEmpty(view.startTime()))
                .setEndTime(orEmpty(view.endTime()));
        if (view.exitCode() != null) {
            target.setExitCode(view.exitCode()).setHasExitCode(true);
        }
        return target.build();
    }

    /** {@code {"machines":[..],"tags":{..}}} as stored with the job. */
    private static JobTargets targets(JsonNode stored) {
        JobTargets.Builder targets = JobTargets.newBuilder();
        stored.path("machines").forEach(machine -> targets.addMachines(machine.asText()));
        stored.path("tags").fields().forEachRemaining(tag -> targets.putTags(tag.getKey(), tag.getValue().asText()));
        return targets.build();
    }

    /**
     * The run command's properties as given, in the fields this API has; a script given by URI or command id shows
     * an empty script here (REST shows it).
     */
    private static JobRunCommand runCommand(JsonNode shown) {
        JobRunCommand.Builder command = JobRunCommand.newBuilder()
                .setScript(shown.path("source").path("script").asText(""))
                .setTimeoutInSeconds(shown.path("timeoutInSeconds").asInt(0))
                .setAsyncExecution(shown.path("asyncExecution").asBoolean(false))
                .setDeliveryTimeoutInSeconds(shown.path("deliveryTimeoutInSeconds").asInt(0));
        shown.path("parameters").forEach(parameter -> command.addParameters(Parameter.newBuilder()
                .setName(parameter.path("name").asText("")).setValue(parameter.path("value").asText(""))));
        return command.build();
    }
}
