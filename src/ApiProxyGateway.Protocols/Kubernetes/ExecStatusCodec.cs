using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ApiProxyGateway.Protocols.Kubernetes;

/// <summary>
/// What goes on the remote-command error stream. v4 and later carry a metav1.Status (client-go errorDecoderV4);
/// v1-v3 carry nothing on success and the plain error text otherwise, so no exit code crosses the wire.
/// </summary>
internal static class ExecStatusCodec
{
    private const string NonZeroExitCode = "NonZeroExitCode";
    private const string ExitCodeCause = "ExitCode";

    public static byte[] EncodeExit(int exitCode, int protocolVersion)
    {
        var message = $"command terminated with non-zero exit code: exit status {exitCode}";
        if (protocolVersion < 4)
        {
            return exitCode == 0 ? [] : Encoding.UTF8.GetBytes(message);
        }

        var status = exitCode == 0
            ? new ExecStatus { Status = "Success" }
            : new ExecStatus
            {
                Status = "Failure",
                Reason = NonZeroExitCode,
                Message = message,
                Details = new ExecStatusDetails { Causes = [new ExecStatusCause { Type = ExitCodeCause, Message = exitCode.ToString(CultureInfo.InvariantCulture) }] },
            };
        return JsonSerializer.SerializeToUtf8Bytes(status, ProtocolJsonContext.Default.ExecStatus);
    }

    public static byte[] EncodeFailure(string message, int protocolVersion) =>
        protocolVersion < 4
            ? Encoding.UTF8.GetBytes(message)
            : JsonSerializer.SerializeToUtf8Bytes(
                new ExecStatus { Status = "Failure", Reason = "InternalError", Message = message, Code = 500 },
                ProtocolJsonContext.Default.ExecStatus);

    public static RemoteCommandResult Decode(ReadOnlySpan<byte> message, int protocolVersion)
    {
        if (message.IsEmpty)
        {
            return new RemoteCommandResult(0, null);
        }

        if (protocolVersion < 4)
        {
            return new RemoteCommandResult(null, Encoding.UTF8.GetString(message));
        }

        ExecStatus? status;
        try
        {
            status = JsonSerializer.Deserialize(message, ProtocolJsonContext.Default.ExecStatus);
        }
        catch (JsonException ex)
        {
            return new RemoteCommandResult(null, $"error stream protocol error: {ex.Message}");
        }

        if (status?.Status == "Success")
        {
            return new RemoteCommandResult(0, null);
        }

        if (status?.Reason == NonZeroExitCode)
        {
            var cause = status.Details?.Causes.FirstOrDefault(c => c.Type == ExitCodeCause);
            return byte.TryParse(cause?.Message, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                ? new RemoteCommandResult(code, null)
                : new RemoteCommandResult(null, "error stream protocol error: no valid ExitCode cause");
        }

        return new RemoteCommandResult(null, status?.Message ?? "error stream protocol error: unknown error");
    }
}
