package dev.runcmd.control.grpc;

import dev.runcmd.control.arm.PageRequest;
import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.GrpcCall;
import dev.runcmd.control.auth.GrpcCallers;
import dev.runcmd.control.config.ControlConfig;
import dev.runcmd.control.job.JobReader;
import dev.runcmd.control.job.JobRequest;
import dev.runcmd.control.job.JobRequestParser;
import dev.runcmd.control.job.JobScope;
import dev.runcmd.control.job.JobService;
import dev.runcmd.control.job.output.JobOutputs;
import dev.runcmd.proto.v1.CancelJobRequest;
import dev.runcmd.proto.v1.CreateOrUpdateJobRequest;
import dev.runcmd.proto.v1.DeleteJobRequest;
import dev.runcmd.proto.v1.DeleteJobResponse;
import dev.runcmd.proto.v1.GetJobRequest;
import dev.runcmd.proto.v1.Job;
import dev.runcmd.proto.v1.JobOutputEvent;
import dev.runcmd.proto.v1.ListJobTargetsRequest;
import dev.runcmd.proto.v1.ListJobTargetsResponse;
import dev.runcmd.proto.v1.ListJobsRequest;
import dev.runcmd.proto.v1.ListJobsResponse;
import dev.runcmd.proto.v1.RunCommandJobsGrpc;
import dev.runcmd.proto.v1.StreamJobOutputRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;

/**
 * The public {@code runcmd.v1.RunCommandJobs} service over the same service layer, rules and authorization as the
 * REST job resource: each call needs the runCommandJobs action on the job's id that REST checks on its path, and
 * CreateOrUpdateJob goes through {@link JobService#put}, which also checks the caller on every target. Writes,
 * cancels and deletes are on the activity log like REST's (see {@link GrpcCallers}).
 *
 * <p>Written in grpc-java style, as {@link RunCommandsGrpcService}, because StreamJobOutput needs the call's flow
 * control.
 */
@GrpcService
public class JobsGrpcService extends RunCommandJobsGrpc.RunCommandJobsImplBase {

    /** The request field a bad resume token is reported under. */
    private static final String RESUME_TOKEN = "resume_token";

    private final JobService service;
    private final JobReader reader;
    private final JobRequestParser parser;
    private final JobOutputs outputs;
    private final FollowStarter starter;
    private final Access access;
    private final int pageSize;

    JobsGrpcService(JobService service, JobReader reader, JobRequestParser parser, JobOutputs outputs,
            FollowStarter starter, Access access, ControlConfig config) {
        this.service = service;
        this.reader = reader;
        this.parser = parser;
        this.outputs = outputs;
        this.starter = starter;
        this.access = access;
        this.pageSize = config.api().pageSize();
    }

    /** Creates a job or replaces one that ended, and starts its first targets; answers the job. */
    @Override
    public void createOrUpdateJob(CreateOrUpdateJobRequest request, StreamObserver<Job> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            JobScope scope = GrpcRequests.jobScope(request.getJob());
            return access.require(call, Actions.JOB_WRITE, scope.resourceId())
                    .chain(() -> {
                        JobRequest job = parser.parse(JobRequests.body(request));
                        return service.put(scope, job, call.caller())
                                .invoke(created -> call.properties(created.activityProperties(job)));
                    })
                    .chain(() -> reader.get(scope))
                    .map(JobProtoViews::job);
        }, out);
    }

    /** One job; NOT_FOUND when there is none. */
    @Override
    public void getJob(GetJobRequest request, StreamObserver<Job> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            JobScope scope = GrpcRequests.jobScope(request.getJob());
            return access.require(call, Actions.JOB_READ, scope.resourceId())
                    .chain(() -> reader.get(scope))
                    .map(JobProtoViews::job);
        }, out);
    }

    /**
     * A page of the resource group's jobs by name; authorized, as REST's list, by runCommandJobs/read on the jobs of
     * the resource group.
     */
    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            String jobs = GrpcRequests.jobsId(request.getSubscriptionId(), request.getResourceGroup());
            PageRequest page = GrpcRequests.page(request.getPageSize(), request.getPageToken(), pageSize,
                    JobReader.JOB_PAGE);
            return access.require(call, Actions.JOB_READ, jobs)
                    .chain(() -> reader.list(request.getSubscriptionId(), request.getResourceGroup(), page))
                    .map(found -> ListJobsResponse.newBuilder()
                            .addAllJobs(found.items().stream().map(JobProtoViews::job).toList())
                            .setNextPageToken(ProtoViews.orEmpty(found.nextToken()))
                            .build());
        }, out);
    }

    /** A page of the job's targets in its order; NOT_FOUND when there is no such job. */
    @Override
    public void listJobTargets(ListJobTargetsRequest request, StreamObserver<ListJobTargetsResponse> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            JobScope scope = GrpcRequests.jobScope(request.getJob());
            PageRequest page = GrpcRequests.page(request.getPageSize(), request.getPageToken(), pageSize,
                    JobReader.TARGET_PAGE);
            return access.require(call, Actions.JOB_READ, scope.resourceId())
                    .chain(() -> reader.targets(scope, page))
                    .map(found -> ListJobTargetsResponse.newBuilder()
                            .addAllTargets(found.items().stream().map(JobProtoViews::target).toList())
                            .setNextPageToken(ProtoViews.orEmpty(found.nextToken()))
                            .build());
        }, out);
    }

    /** Cancels a running job and answers it; one that ended is shown as it is. NOT_FOUND when there is none. */
    @Override
    public void cancelJob(CancelJobRequest request, StreamObserver<Job> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            JobScope scope = GrpcRequests.jobScope(request.getJob());
            return access.require(call, Actions.JOB_CANCEL, scope.resourceId())
                    .chain(() -> service.cancel(scope))
                    .chain(() -> reader.get(scope))
                    .map(JobProtoViews::job);
        }, out);
    }

    /** Deletes the job and its run commands, stopping what runs; an absent job answers deleted = false. */
    @Override
    public void deleteJob(DeleteJobRequest request, StreamObserver<DeleteJobResponse> out) {
        GrpcCall call = GrpcCallers.current();
        UnaryReplies.reply(() -> {
            JobScope scope = GrpcRequests.jobScope(request.getJob());
            return access.require(call, Actions.JOB_DELETE, scope.resourceId())
                    .chain(() -> service.delete(scope))
                    .map(stopped -> DeleteJobResponse.newBuilder().setDeleted(stopped.existed()).build());
        }, out);
    }

    /**
     * Streams the job's merged output through the same {@link JobOutputs} as REST, from the resume token, to a
     * follower that writes only while the call is ready. INVALID_ARGUMENT for a bad reference or token (REST's
     * message, naming resume_token), NOT_FOUND when there is no such job, RESOURCE_EXHAUSTED when the caller holds
     * all its follows.
     */
    @Override
    public void streamJobOutput(StreamJobOutputRequest request, StreamObserver<JobOutputEvent> out) {
        GrpcJobOutputSink sink = new GrpcJobOutputSink((ServerCallStreamObserver<JobOutputEvent>) out);
        GrpcCall call = GrpcCallers.current();
        starter.start(call, out, () -> {
            JobScope scope = GrpcRequests.jobScope(request.getJob());
            return access.require(call, Actions.JOB_READ, scope.resourceId())
                    .chain(() -> outputs.open(scope, JobOutputs.parseToken(request.getResumeToken(), RESUME_TOKEN),
                            request.getFollow(), request.getEndsOnly(), RESUME_TOKEN));
        }, (source, context, slot) -> outputs.follow(source, sink, context, slot));
    }
}
