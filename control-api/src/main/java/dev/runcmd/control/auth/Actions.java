package dev.runcmd.control.auth;

/**
 * The operations RBAC knows, named as Azure names them ({@code <provider>/<resource type path>/<verb>}). Role
 * definitions grant them with wildcards ({@link RoleDefinition#permits}).
 */
public final class Actions {

    public static final String MACHINE_READ = "Microsoft.HybridCompute/machines/read";
    public static final String MACHINE_DELETE = "Microsoft.HybridCompute/machines/delete";
    public static final String MACHINE_WRITE = "Microsoft.HybridCompute/machines/write";
    public static final String RUN_COMMAND_READ = "Microsoft.HybridCompute/machines/runCommands/read";
    public static final String RUN_COMMAND_WRITE = "Microsoft.HybridCompute/machines/runCommands/write";
    public static final String RUN_COMMAND_DELETE = "Microsoft.HybridCompute/machines/runCommands/delete";
    public static final String RUN_COMMAND_CANCEL = "Microsoft.HybridCompute/machines/runCommands/cancel/action";
    /** Running a script as the agent's own user (root on a real machine): a run without runAsUser, or as root. */
    public static final String RUN_COMMAND_AS_ROOT = "Microsoft.HybridCompute/machines/runCommands/runAsRoot/action";
    public static final String JOB_READ = "Microsoft.HybridCompute/runCommandJobs/read";
    /** Creating a job; it also needs {@link #RUN_COMMAND_WRITE} (and runAsRoot, when it runs as root) on every target. */
    public static final String JOB_WRITE = "Microsoft.HybridCompute/runCommandJobs/write";
    public static final String JOB_DELETE = "Microsoft.HybridCompute/runCommandJobs/delete";
    public static final String JOB_CANCEL = "Microsoft.HybridCompute/runCommandJobs/cancel/action";
    public static final String JOIN_TOKEN_READ = "Microsoft.HybridCompute/joinTokens/read";
    public static final String JOIN_TOKEN_WRITE = "Microsoft.HybridCompute/joinTokens/write";
    public static final String JOIN_TOKEN_DELETE = "Microsoft.HybridCompute/joinTokens/delete";
    public static final String ROLE_ASSIGNMENT_READ = "Microsoft.Authorization/roleAssignments/read";
    public static final String ROLE_ASSIGNMENT_WRITE = "Microsoft.Authorization/roleAssignments/write";
    public static final String ROLE_ASSIGNMENT_DELETE = "Microsoft.Authorization/roleAssignments/delete";
    public static final String ROLE_DEFINITION_READ = "Microsoft.Authorization/roleDefinitions/read";
    public static final String TOKEN_READ = "runcmd.Authorization/tokens/read";
    public static final String TOKEN_WRITE = "runcmd.Authorization/tokens/write";
    public static final String TOKEN_DELETE = "runcmd.Authorization/tokens/delete";
    public static final String ACTIVITY_LOG_READ = "Microsoft.Insights/eventtypes/values/read";

    private Actions() {
    }
}
