-- Which interpreter runs an execution: the name of agent.proto's Shell enum value
-- (SHELL_DEFAULT, SHELL_POSIX, SHELL_POWERSHELL), so a gateway sets Run.shell with Shell.valueOf.
-- Inline scripts and scriptUri use SHELL_DEFAULT; a source.commandId built-in brings its own
-- (RunShellScript: SHELL_POSIX, RunPowerShellScript: SHELL_POWERSHELL).
alter table execution add column shell text not null default 'SHELL_DEFAULT';
