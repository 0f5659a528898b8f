using System.Diagnostics;
using ApiProxyGateway.Protocols.Kubernetes;

namespace ApiProxyGateway.IntegrationTests.Protocols;

/// <summary>Runs the exec'd command as a real host process wired to the remote-command streams.</summary>
internal static class HostProcess
{
    public static async Task RunAsync(string[] command, RemoteCommandServer remote, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command[0]}.");
        try
        {
            var stdin = PumpStdinAsync(remote.Stdin, process, cancellationToken);
            var stdout = process.StandardOutput.BaseStream.CopyToAsync(remote.Stdout ?? Stream.Null, cancellationToken);
            var stderr = process.StandardError.BaseStream.CopyToAsync(remote.Stderr ?? remote.Stdout ?? Stream.Null, cancellationToken);
            await Task.WhenAll(stdout, stderr);
            await process.WaitForExitAsync(cancellationToken);
            await remote.CompleteAsync(process.ExitCode, cancellationToken);

            // stdin may still be open (a client that never closes it); disposing the remote ends the pump.
            _ = stdin;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task PumpStdinAsync(Stream? stdin, Process process, CancellationToken cancellationToken)
    {
        try
        {
            if (stdin is not null)
            {
                await stdin.CopyToAsync(process.StandardInput.BaseStream, cancellationToken);
            }
        }
        catch (Exception)
        {
            // The process exited before reading all of stdin (broken pipe), or the client went away.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (Exception)
            {
                // Already gone.
            }
        }
    }
}
