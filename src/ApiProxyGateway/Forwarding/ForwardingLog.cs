using ApiProxyGateway.Authorization;

namespace ApiProxyGateway.Forwarding;

/// <summary>Pass-through log messages (event ids 300–399).</summary>
internal static partial class ForwardingLog
{
    [LoggerMessage(300, LogLevel.Warning, "Forwarding {Method} {Path} to the API server failed ({Error}): {Reason}")]
    public static partial void ForwardFailed(ILogger logger, string method, string path, string error, string reason);

    [LoggerMessage(301, LogLevel.Information, "User '{User}' denied impersonating: {Verb} {Resource} '{Name}'")]
    public static partial void ImpersonationDenied(ILogger logger, string user, string verb, string resource, string name);

    [LoggerMessage(302, LogLevel.Warning, "Impersonation for user '{User}' could not be authorized: {Reason}")]
    public static partial void ImpersonationUnavailable(ILogger logger, string user, string reason);

    [LoggerMessage(303, LogLevel.Information, "User '{User}' acts as '{Impersonated}'")]
    public static partial void Impersonating(ILogger logger, string user, string impersonated);

    public static void ImpersonationDenied(ILogger logger, string user, ResourceAttributes attributes) =>
        ImpersonationDenied(logger, user, attributes.Verb, attributes.ResourceWithSubresource, attributes.Name);
}
