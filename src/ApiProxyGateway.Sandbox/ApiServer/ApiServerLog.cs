namespace ApiProxyGateway.Sandbox.ApiServer;

/// <summary>Log messages of the simulated API server (event ids 2000–2099).</summary>
internal static partial class ApiServerLog
{
    [LoggerMessage(2000, LogLevel.Information, "Simulated kube-apiserver listening on {Url}")]
    public static partial void Listening(ILogger logger, Uri url);

    [LoggerMessage(2001, LogLevel.Information, "Simulated kube-apiserver stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(2002, LogLevel.Debug, "Unauthenticated {Method} {Path} (client certificate {Subject})")]
    public static partial void Unauthenticated(ILogger logger, string method, string path, string? subject);

    [LoggerMessage(2003, LogLevel.Debug, "Forbidden: {User} {Verb} {Path}")]
    public static partial void Forbidden(ILogger logger, string user, string verb, string path);

    [LoggerMessage(2004, LogLevel.Error, "Unhandled error serving {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);
}
