using ApiProxyGateway.Telemetry;

namespace ApiProxyGateway.Hosting;

/// <summary>The drain at shutdown (event ids 1700–1799): when the listener closes, when the drain period ends, what was refused.</summary>
internal static partial class DrainLog
{
    [LoggerMessage(EventIds.ListenerClosing, LogLevel.Information, "The readiness grace period is over: the listener closes, connections are asked to close (HTTP/2 GOAWAY), {Streams} stream(s) open get {DrainSeconds}s to finish")]
    public static partial void ListenerClosing(ILogger logger, int streams, double drainSeconds);

    [LoggerMessage(EventIds.DrainOver, LogLevel.Information, "The drain period is over: {Streams} stream(s) still open are ended with a reason, watches with a last Status event")]
    public static partial void DrainOver(ILogger logger, int streams);

    [LoggerMessage(EventIds.RefusedWhileDraining, LogLevel.Debug, "{Method} {Path} arrived after the listener closed: answered 429 with Retry-After")]
    public static partial void RefusedWhileDraining(ILogger logger, string method, string path);
}
