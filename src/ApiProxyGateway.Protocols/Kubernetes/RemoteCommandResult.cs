namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// How a remote command ended, as client-go reads the error stream: <see cref="ExitCode"/> is 0 on success and
/// the process's code for <c>NonZeroExitCode</c>; <see cref="Error"/> holds any other failure message (and is
/// what v1-v3 servers send instead of an exit code).
/// </summary>
public sealed record RemoteCommandResult(int? ExitCode, string? Error)
{
    public bool Succeeded => ExitCode == 0 && Error is null;
}
