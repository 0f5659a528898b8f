namespace ApiProxyGateway.Tests.Support;

/// <summary>What one kubectl run printed and how it ended.</summary>
public sealed record KubectlResult(string Command, int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    public override string ToString() =>
        $"{Command} -> exit {ExitCode}{(TimedOut ? " (timed out, killed)" : "")}{Environment.NewLine}stdout:{Environment.NewLine}{StandardOutput}stderr:{Environment.NewLine}{StandardError}";
}
